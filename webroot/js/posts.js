// Posts as the feed and profiles show them: the composer, a post with its likes and replies, edit and
// delete of one's own, links made clickable without ever becoming script.
'use strict';

import * as api from './api.js';
import { avatar, loadProfiles, nameOf, personLink } from './people.js';
import { attempt, formatTime, h, replace, state, toast } from './ui.js';

export const VISIBILITIES = [
  { value: 'friends', label: 'Friends', hint: 'your friends only' },
  { value: 'public', label: 'Public', hint: 'anyone, followers included' },
  { value: 'private', label: 'Only me', hint: 'nobody else, never leaves your node' }
];

const LINK = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/gi;

/** Text with its http(s) links as links: anything else (javascript:, data:) stays text; links open apart, without referrer or opener. */
export function linkified(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    let url;
    try {
      url = new URL(match[0]);
    } catch (e) {
      continue;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
    parts.push(text.slice(last, match.index));
    parts.push(h('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer' }, match[0]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

function visibilityLabel(value) {
  return VISIBILITIES.find(v => v.value === value)?.label ?? value;
}

/** The composer: text, who may see it (in words, friends unless chosen), Post. onPosted gets the new post. */
export function composer(onPosted) {
  const text = h('textarea', { id: 'post-text', rows: 3, maxlength: 5000, placeholder: 'What would you like to share?', 'aria-label': 'New post' });
  const visibility = h('select', { id: 'post-visibility', 'aria-label': 'Who can see it' },
    VISIBILITIES.map(v => h('option', { value: v.value }, `${v.label}: ${v.hint}`)));
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', {
    class: 'post-composer card-like', onsubmit: async event => {
      event.preventDefault();
      error.textContent = '';
      if (!text.value.trim()) {
        error.textContent = 'Write something first.';
        text.focus();
        return;
      }
      const button = form.querySelector('button');
      button.disabled = true;
      await attempt(async () => {
        const answer = await api.call('POST', '/posts', { content: text.value, visibility: visibility.value });
        text.value = '';
        onPosted(answer.post);
      }, message => {
        error.textContent = message;
        text.focus();
      });
      button.disabled = false;
    }
  },
  text,
  h('div', { class: 'composer-row' }, h('label', { class: 'inline', for: 'post-visibility' }, 'Who can see it'), visibility,
    h('span', { class: 'spacer' }), h('button', { class: 'primary', type: 'submit' }, 'Post')),
  error);
  return form;
}

/** One post as an article; onGone is called when its author deleted it. */
export function postCard(post, onGone) {
  const card = h('article', { class: 'post', 'data-post': post.postId, 'aria-labelledby': `by-${post.postId}` });
  render(card, post, onGone);
  return card;
}

function render(card, post, onGone) {
  const mine = post.author === state.me.userId;
  const domain = state.node?.domain;
  const head = h('header', { class: 'post-head' },
    avatar(post.author),
    h('div', { class: 'post-who' },
      h('a', { id: `by-${post.postId}`, class: 'person name', href: '#/u/' + encodeURIComponent(post.author), title: post.author }, nameOf(post.author, domain)),
      h('span', { class: 'meta' }, h('time', { datetime: post.created_at }, formatTime(post.created_at)),
        post.updated_at && post.updated_at !== post.created_at ? ' · edited' : '', ' · ', visibilityLabel(post.visibility))),
    mine ? h('div', { class: 'post-tools' },
      h('button', { class: 'link', onclick: () => edit(card, post, onGone) }, 'Edit'),
      h('button', { class: 'link danger', onclick: () => remove(post, onGone) }, 'Delete')) : null);
  const body = post.unavailable
    ? h('p', { class: 'unavailable' }, post.excerpt ? [linkified(post.excerpt), ' '] : null,
      h('em', {}, post.reason === 'not-visible' ? 'This post is no longer visible to you.' : `Content unavailable: ${post.author.split('@')[1]} does not answer right now.`))
    : h('p', { class: 'post-text' }, linkified(post.content ?? ''));
  const likes = post.likes ?? 0;
  const actions = post.unavailable ? null : h('div', { class: 'post-actions' },
    h('button', {
      class: 'like' + (post.liked ? ' on' : ''), 'aria-pressed': post.liked ? 'true' : 'false',
      onclick: () => attempt(async () => {
        const answer = await api.call(post.liked ? 'DELETE' : 'POST', `/posts/${encodeURIComponent(post.postId)}/likes`);
        // Another node's post counts it there, a moment later: shown at once, read again next time.
        if (answer.sentToOrigin) render(card, { ...post, liked: !post.liked, likes: Math.max(0, likes + (post.liked ? -1 : 1)) }, onGone);
        else await refresh(card, post.postId, onGone);
      })
    }, post.liked ? 'Liked' : 'Like'),
    h('span', { class: 'count' }, likes === 1 ? '1 like' : `${likes} likes`));
  const replies = post.unavailable ? null : h('section', { class: 'replies', 'aria-label': 'Replies' },
    (post.replies ?? []).length ? h('ul', {}, post.replies.map(reply => h('li', { class: 'reply' },
      personLink(reply.author, domain, { face: false }), ' ', h('span', { class: 'reply-text' }, linkified(reply.content)),
      ' ', h('time', { class: 'meta', datetime: reply.created_at }, formatTime(reply.created_at))))) : null,
    replyForm(card, post, onGone));
  replace(card, head, body, actions, replies);
}

function replyForm(card, post, onGone) {
  const input = h('input', { type: 'text', maxlength: 5000, placeholder: 'Write a reply', 'aria-label': `Reply to ${nameOf(post.author, state.node?.domain)}` });
  return h('form', {
    class: 'reply-form', onsubmit: event => {
      event.preventDefault();
      if (!input.value.trim()) return;
      attempt(async () => {
        const content = input.value;
        const answer = await api.call('POST', `/posts/${encodeURIComponent(post.postId)}/replies`, { content });
        input.value = '';
        if (answer.sentToOrigin) {
          const reply = { replyId: answer.replyId, author: state.me.userId, content, created_at: new Date().toISOString() };
          render(card, { ...post, replies: [...(post.replies ?? []), reply] }, onGone);
        } else {
          await refresh(card, post.postId, onGone);
        }
      });
    }
  }, input, h('button', { type: 'submit' }, 'Reply'));
}

async function refresh(card, postId, onGone) {
  try {
    const answer = await api.call('GET', `/posts/${encodeURIComponent(postId)}`);
    await loadProfiles(authors([answer.post]));
    render(card, answer.post, onGone);
  } catch (e) {
    if (e.status === 404) {
      card.remove();
      onGone?.(postId);
    } else {
      throw e;
    }
  }
}

function edit(card, post, onGone) {
  const text = h('textarea', { rows: 4, maxlength: 5000, 'aria-label': 'Edit your post' }, post.content ?? '');
  const visibility = h('select', { 'aria-label': 'Who can see it' },
    VISIBILITIES.map(v => h('option', { value: v.value, selected: v.value === post.visibility }, `${v.label}: ${v.hint}`)));
  const error = h('p', { class: 'error', role: 'alert' });
  replace(card, h('form', {
    class: 'post-edit', onsubmit: event => {
      event.preventDefault();
      attempt(async () => {
        const answer = await api.call('PUT', `/posts/${encodeURIComponent(post.postId)}`, { content: text.value, visibility: visibility.value });
        render(card, { ...post, ...answer.post }, onGone);
      }, message => {
        error.textContent = message;
        text.focus();
      });
    }
  }, text, h('div', { class: 'composer-row' }, visibility, h('span', { class: 'spacer' }),
    h('button', { type: 'button', onclick: () => render(card, post, onGone) }, 'Cancel'),
    h('button', { class: 'primary', type: 'submit' }, 'Save')), error));
  text.focus();
}

async function remove(post, onGone) {
  if (!confirm('Delete this post? It is gone at once, here and from your friends\' feeds.')) return;
  await attempt(async () => {
    await api.call('DELETE', `/posts/${encodeURIComponent(post.postId)}`);
    document.querySelector(`[data-post="${CSS.escape(post.postId)}"]`)?.remove();
    onGone?.(post.postId);
    toast('Post deleted.');
  });
}

/** Whose names a page of posts shows: authors and those who replied. */
export function authors(posts) {
  return posts.flatMap(post => [post.author, ...(post.replies ?? []).map(reply => reply.author)]);
}

/** A list of posts read page by page from {path}: a "Show older posts" button follows the cursor. */
export function postList(container, path, emptyText) {
  const list = h('div', { class: 'posts', id: 'posts', 'aria-live': 'off' });
  const more = h('div', { class: 'more' });
  replace(container, list, more);
  let cursor = null;
  const onGone = () => {
    if (!list.querySelector('.post')) replace(list, h('p', { class: 'empty' }, emptyText));
  };
  async function load() {
    const answer = await api.call('GET', path + (cursor ? (path.includes('?') ? '&' : '?') + 'cursor=' + encodeURIComponent(cursor) : ''));
    if (!cursor) list.replaceChildren();
    await loadProfiles(authors(answer.posts));
    answer.posts.forEach(post => list.append(postCard(post, onGone)));
    cursor = answer.next;
    replace(more, cursor ? h('button', { onclick: () => attempt(load) }, 'Show older posts') : null);
    onGone();
  }
  return {
    load: () => {
      cursor = null;
      return load();
    },
    prepend(post) {
      list.querySelector('.empty')?.remove();
      if (!list.querySelector(`[data-post="${CSS.escape(post.postId)}"]`)) list.prepend(postCard(post, onGone));
    },
    async refresh(postId) {
      const card = list.querySelector(`[data-post="${CSS.escape(postId)}"]`);
      if (card) await refresh(card, postId, onGone);
    }
  };
}
