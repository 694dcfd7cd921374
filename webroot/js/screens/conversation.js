// One conversation: its timeline decrypted in this browser, sending with visible states, older
// history on scroll; its people are screens/members.js.
'use strict';

import * as api from '../api.js';
import { ApiError, SessionEnded } from '../api.js';
import * as e2ee from '../e2ee.js';
import { keysOf } from '../contacts.js';
import { nameOf } from '../people.js';
import { details, membershipLines, participantItem } from './members.js';
import { deliveryOf, deliveryState } from './delivery.js';
import { readAbout } from './notifications.js';
import { attempt, conversationTitle, explain, formatTime, h, replace, setTitle, state, toast } from '../ui.js';

const PAGE = 30;
const MAX_CATCH_UP_PAGES = 10;
// The node stores at most 64 KiB of ciphertext (tag included) per message.
const MAX_MESSAGE_BYTES = 60_000;

const enc = encodeURIComponent;

function draftKey(id) {
  return `openred.draft.${state.me.userId}.${id}`;
}

/** Shows conversation {id}; loads its keys and newest messages the first time. */
export async function openConversation(main, id) {
  const summary = state.conversations.find(c => c.conversationId === id);
  if (state.open?.id !== id) {
    state.open = {
      id, participants: summary?.participants ?? [], keyVersion: summary?.keyVersion ?? 1,
      keys: new Map(), messages: new Map(), order: [], next: undefined, closed: !summary || Boolean(summary.ended), showDetails: false,
      ended: summary?.ended ? summary : null, members: []
    };
    render(main);
    // Focus once, at opening: moving it after the loads would pull it from under someone typing.
    (main.querySelector('#composer') ?? main.querySelector('h2'))?.focus({ preventScroll: true });
    const open = state.open;
    open.ready = summary && !summary.ended ? attempt(async () => {
      await loadKeys(open);
      await Promise.all([loadNewest(open), loadMembers(open), readAbout(id)]);
    }) : Promise.resolve();
    await open.ready;
  }
  if (state.open?.id === id) render(main);
}

/** The list changed (live event or refresh): follow participants and key version, or close. */
export async function conversationChanged(main) {
  const open = state.open;
  if (!open) return;
  const summary = state.conversations.find(c => c.conversationId === open.id);
  if (!summary || summary.ended) {
    open.closed = true;
    open.ended = summary?.ended ? summary : null;
  } else {
    open.closed = false;
    // Someone came or went since the lines were read: read them again.
    const current = open.members.filter(m => !m.removed_at).map(m => m.userId).sort().join();
    if (current !== [...summary.participants].sort().join()) await attempt(() => loadMembers(open));
    open.participants = summary.participants;
    if (summary.keyVersion !== open.keyVersion || !open.keys.has(summary.keyVersion)) {
      open.keyVersion = summary.keyVersion;
      await attempt(() => loadKeys(open));
    }
  }
  if (state.open === open) render(main);
}

/** Who came and went, for the timeline's lines ("carol was added by alice"). */
async function loadMembers(open) {
  const answer = await api.call('GET', `/conversations/${enc(open.id)}/members`).catch(() => ({ members: [] }));
  open.members = answer.members;
  const main = document.getElementById('main');
  if (state.open === open) renderTimeline(main, 'keep');
}

async function loadKeys(open) {
  const answer = await api.call('GET', `/conversations/${enc(open.id)}/keys`);
  for (const { keyVersion, encryptedSessionKey } of answer.keys) {
    if (open.keys.has(keyVersion)) continue;
    try {
      open.keys.set(keyVersion, await e2ee.unwrapSessionKey(state.identity, state.me.userId, encryptedSessionKey, open.id, keyVersion));
    } catch (e) {
      open.keys.set(keyVersion, e);
    }
  }
}

/** Newest page: on opening, after a live event and after a reconnection (what was missed). */
export async function loadNewest(open = state.open) {
  if (!open || open.closed) return;
  const first = await fetchPage(open);
  // After an outage more than a page may have arrived: go back until a known message, so no gap opens.
  const collected = [...first.messages];
  for (let page = first, pages = 1; open.order.length > 0 && page.next && pages < MAX_CATCH_UP_PAGES
      && !collected.some(m => open.messages.has(m.messageId)); pages++) {
    page = await fetchPage(open, page.next);
    collected.push(...page.messages);
  }
  const fresh = collected.filter(m => !open.messages.has(m.messageId)).reverse();
  await Promise.all(fresh.map(m => decrypt(open, m)));
  for (const message of fresh) {
    open.messages.set(message.messageId, message);
    open.order.push(message.messageId);
  }
  if (open.next === undefined) open.next = first.next;
  const main = document.getElementById('main');
  if (state.open === open && fresh.length) renderTimeline(main, 'bottom');
}

async function loadOlder(main) {
  const open = state.open;
  if (!open.next || open.loadingOlder) return;
  open.loadingOlder = true;
  await attempt(async () => {
    const page = await fetchPage(open, open.next);
    const older = page.messages.filter(m => !open.messages.has(m.messageId)).reverse();
    await Promise.all(older.map(m => decrypt(open, m)));
    older.forEach(m => open.messages.set(m.messageId, m));
    open.order.unshift(...older.map(m => m.messageId));
    open.next = page.next;
  });
  open.loadingOlder = false;
  if (state.open === open) renderTimeline(main, 'keep');
}

async function fetchPage(open, before) {
  try {
    return await api.call('GET', `/conversations/${enc(open.id)}/messages?limit=${PAGE}${before ? '&before=' + enc(before) : ''}`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) {
      open.closed = true;
      return { messages: [], next: null };
    }
    throw e;
  }
}

/** Fills message.text, or message.problem with why it cannot be read. Never throws. */
async function decrypt(open, message) {
  message.state = 'sent';
  const ad = message.payload?.associatedData;
  message.sentAt = ad?.sentAt ?? message.received_at;
  if (!ad || ad.conversationId !== open.id || ad.senderId !== message.senderId || ad.messageId !== message.messageId) {
    message.problem = 'This message claims to belong to another conversation or sender, so it is not shown.';
    return;
  }
  if (!open.keys.has(ad.keyVersion)) await loadKeys(open).catch(() => undefined);
  const key = open.keys.get(ad.keyVersion);
  if (!key) {
    message.problem = `Cannot decrypt: you hold no key for version ${ad.keyVersion} of this conversation (it was sent while you were not a participant).`;
    return;
  }
  if (key instanceof Error) {
    message.problem = `Cannot decrypt: the conversation key was not wrapped for the keys of this browser (${key.message}).`;
    return;
  }
  try {
    message.text = await e2ee.decryptMessage(message.payload, key, (await keysOf(message.senderId)).sig);
  } catch (e) {
    if (e.code === 'bad-signature') {
      // The sender may have replaced their keys since: ask their node once more before saying "forged".
      try {
        message.text = await e2ee.decryptMessage(message.payload, key, (await keysOf(message.senderId, true)).sig);
        return;
      } catch (again) {
        message.problem = 'Cannot verify: ' + explain(again);
        return;
      }
    }
    message.problem = 'Cannot decrypt: ' + explain(e);
  }
}

async function send(main, textValue) {
  const open = state.open;
  await open.ready;
  if (!(open.keys.get(open.keyVersion) instanceof Uint8Array)) await loadKeys(open);
  const key = open.keys.get(open.keyVersion);
  if (!(key instanceof Uint8Array)) {
    toast('You hold no key for the current version of this conversation, so nothing can be sent.');
    return false;
  }
  const messageId = crypto.randomUUID();
  const message = { messageId, senderId: state.me.userId, text: textValue, state: 'sending', sentAt: new Date().toISOString() };
  message.payload = await encrypt(open, message);
  open.messages.set(messageId, message);
  open.order.push(messageId);
  renderTimeline(main, 'bottom');
  await deliver(main, open, message);
  return true;
}

function encrypt(open, message) {
  const associatedData = { conversationId: open.id, senderId: message.senderId, keyVersion: open.keyVersion, messageId: message.messageId, sentAt: message.sentAt };
  return e2ee.encryptMessage(state.identity, open.keys.get(open.keyVersion), associatedData, message.text);
}

/** Posts a message; a retry resends the same messageId, which the node answers as the first time. */
async function deliver(main, open, message) {
  message.state = 'sending';
  message.failure = null;
  updateMessage(message);
  try {
    await post(open, message);
    message.state = 'sent';
  } catch (e) {
    if (e instanceof ApiError && e.is('stale-key-version')) {
      // Someone rotated the key meanwhile: take the new one and seal again, once.
      try {
        const summary = (await api.call('GET', '/conversations')).conversations.find(c => c.conversationId === open.id);
        if (summary) open.keyVersion = summary.keyVersion;
        await loadKeys(open);
        message.payload = await encrypt(open, message);
        await post(open, message);
        message.state = 'sent';
      } catch (again) {
        fail(message, again);
      }
    } else {
      fail(message, e);
    }
  }
  if (state.open === open) updateMessage(message);
}

function post(open, message) {
  return api.call('POST', `/conversations/${enc(open.id)}/messages`, { messageId: message.messageId, payload: message.payload });
}

function fail(message, error) {
  message.state = 'failed';
  message.failure = explain(error);
  if (error instanceof SessionEnded) {
    // Back to the composer after the next login, as if it had never left.
    localStorage.setItem(draftKey(message.payload.associatedData.conversationId), message.text);
    state.onSessionEnded();
  }
}

/** Builds the conversation's screen once; later changes update its parts, so typing is never lost. */
function render(main) {
  const open = state.open;
  if (main.querySelector('[data-view=conversation]')?.dataset.id !== open.id) {
    replace(main,
      h('div', { class: 'conv-head', 'data-view': 'conversation', 'data-id': open.id },
        h('a', { class: 'back', href: '#/chats', 'aria-label': 'Back to conversations' }, '←'),
        h('h2', { id: 'conversation-title', tabindex: -1 }),
        h('button', {
          id: 'people-toggle', 'aria-controls': 'details',
          onclick: () => { open.showDetails = !open.showDetails; update(main); }
        })),
      details(main, update),
      h('p', { class: 'notice key-notice', id: 'key-notice', role: 'alert' }),
      // A list of messages inside a log that scrolls, reachable by keyboard (Tab to it, then arrows).
      h('div', { class: 'timeline', id: 'timeline', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: 0, onscroll: event => {
        if (event.target.scrollTop < 40) loadOlder(main);
      } }, h('ol', { class: 'messages', id: 'messages' })),
      h('div', { id: 'conversation-footer' }));
    renderTimeline(main, 'bottom');
  }
  update(main);
}

function update(main) {
  const open = state.open;
  const summary = state.conversations.find(c => c.conversationId === open.id) ?? { participants: open.participants };
  const title = open.participants.length ? conversationTitle(summary) : 'Conversation';
  main.querySelector('#conversation-title').textContent = title;
  setTitle(`${title} · OpenRed`);
  const toggle = main.querySelector('#people-toggle');
  toggle.hidden = open.closed;
  toggle.setAttribute('aria-expanded', String(open.showDetails));
  toggle.textContent = open.showDetails ? 'Hide people' : `People (${open.participants.length})`;
  const panel = main.querySelector('#details');
  panel.hidden = !open.showDetails || open.closed;
  replace(panel.querySelector('ul'), open.participants.map(userId => participantItem(main, userId, update)));
  Promise.all(open.participants.map(userId => keysOf(userId).then(keys => keys.changed ? userId : null, () => null)))
    .then(changed => {
      const who = changed.filter(Boolean);
      replace(main.querySelector('#key-notice'), who.length
        ? `The keys of ${who.join(', ')} changed since you first saw them. Compare fingerprints under People (in person or on a call) before you trust what they send.`
        : null);
    });
  const footer = main.querySelector('#conversation-footer');
  if (open.closed && !footer.querySelector('.closed')) {
    const by = open.ended?.removed_by;
    replace(footer, h('p', { class: 'closed notice', role: 'status' }, open.ended
      ? `This conversation ended for you${by ? ` when ${nameOf(by, state.node.domain)} removed you` : ''} (${formatTime(open.ended.ended_at)}): new messages do not reach you.`
      : 'You are not a participant of this conversation (any more): new messages do not reach you.'));
  } else if (!open.closed && !footer.querySelector('#composer')) {
    replace(footer, composer(main));
  }
}

function renderTimeline(main, scroll) {
  const timeline = main.querySelector('#timeline');
  if (!timeline) return;
  const open = state.open;
  const atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 60;
  const fromBottom = timeline.scrollHeight - timeline.scrollTop;
  // Messages and membership lines by time; lines older than the oldest loaded message wait for it.
  const messages = open.order.map(id => open.messages.get(id));
  const oldest = open.next && messages.length ? messages[0].sentAt : '';
  const items = [...messages.map(m => ({ at: m.sentAt ?? '', item: messageItem(main, m) })),
    ...membershipLines(open).filter(line => line.at >= oldest).map(line => ({ at: line.at, item: h('li', { class: 'event' }, line.text) }))];
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  replace(timeline.querySelector('#messages'),
    open.next ? h('li', { class: 'older' }, h('button', { class: 'link', onclick: () => loadOlder(main) }, 'Load older messages')) : null,
    open.order.length === 0 && !open.closed ? h('li', { class: 'empty' }, 'No messages yet. Say hello: only the people here can read it.') : null,
    items.map(entry => entry.item));
  if (scroll === 'keep') timeline.scrollTop = timeline.scrollHeight - fromBottom;
  else if (scroll === 'bottom' || atBottom) timeline.scrollTop = timeline.scrollHeight;
}

function messageItem(main, message) {
  const mine = message.senderId === state.me.userId;
  const classes = ['msg', mine ? 'mine' : 'theirs', message.problem ? 'undecryptable' : '', message.state === 'failed' ? 'failed' : ''];
  return h('li', { class: classes.join(' '), id: 'm-' + message.messageId, 'data-state': message.state },
    mine ? null : h('div', { class: 'from', title: message.senderId }, nameOf(message.senderId, state.node.domain)),
    message.problem ? h('div', { class: 'text', role: 'note' }, message.problem) : h('div', { class: 'text' }, message.text),
    h('div', { class: 'meta' },
      h('time', { datetime: message.sentAt }, formatTime(message.sentAt)),
      mine ? deliveryState(message, state.open, () => deliver(main, state.open, message)) : null));
}

/** A receipt from another node (live message.delivery): the message's state there, shown at once. */
export function deliveryChanged(event) {
  const open = state.open;
  const message = open?.id === event.conversationId ? open.messages.get(event.messageId) : null;
  if (!message) return;
  message.delivery = { ...deliveryOf(message, open), [event.domain]: event.state };
  updateMessage(message);
}

function updateMessage(message) {
  const main = document.getElementById('main');
  const item = main.querySelector('#m-' + CSS.escape(message.messageId));
  if (item) item.replaceWith(messageItem(main, message));
}

function composer(main) {
  const open = state.open;
  const input = h('textarea', {
    id: 'composer', rows: 1, placeholder: 'Write a message', 'aria-describedby': 'composer-hint',
    oninput: () => {
      localStorage.setItem(draftKey(open.id), input.value);
      input.style.height = 'auto';
      input.style.height = Math.min(input.scrollHeight, 160) + 'px';
    },
    onkeydown: event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    }
  });
  input.value = localStorage.getItem(draftKey(open.id)) ?? '';
  const form = h('form', {
    class: 'composer', 'aria-label': 'Send a message',
    onsubmit: async event => {
      event.preventDefault();
      const textValue = input.value.trim();
      if (!textValue) return;
      if (new TextEncoder().encode(textValue).length > MAX_MESSAGE_BYTES) {
        toast(`This message is too long: at most ${MAX_MESSAGE_BYTES / 1000} KB of text, or send it in parts.`);
        return;
      }
      input.value = '';
      localStorage.removeItem(draftKey(open.id));
      const sent = await attempt(() => send(main, textValue));
      if (!sent) input.value = textValue;
      input.focus();
    }
  },
  h('label', { for: 'composer', class: 'sr-only' }, 'Message'),
  input,
  h('span', { id: 'composer-hint', class: 'sr-only' }, 'Enter sends, Shift+Enter starts a new line'),
  h('button', { class: 'primary', type: 'submit' }, 'Send'));
  return form;
}
