// The signed-in frame: the top bar, the conversation list beside the open screen, and the home pane.
'use strict';

import { attempt, conversationTitle, formatTime, h, replace, setTitle, state } from '../ui.js';
import { liveBadge, logOut } from '../session.js';
import { searchBox } from './people.js';
import { notificationsLink } from './notifications.js';

const root = document.getElementById('app');

export function shell() {
  const existing = document.getElementById('main');
  if (existing && root.querySelector('.shell')) return existing;
  replace(root,
    h('header', { class: 'topbar' },
      h('h1', { class: 'brand' }, h('span', { class: 'dot', 'aria-hidden': 'true' }, '●'), h('span', { class: 'name' }, 'OpenRed')),
      liveBadge(),
      h('nav', { class: 'topnav', 'aria-label': 'Main' },
        h('a', { href: '#/' }, 'Feed'),
        h('a', { href: '#/chats' }, 'Chats'),
        h('a', { href: '#/people' }, 'People'),
        notificationsLink(),
        h('a', { href: '#/profile' }, 'Profile')),
      searchBox(),
      h('span', { class: 'spacer' }),
      h('span', { class: 'me' }, state.me.userId),
      h('button', { id: 'logout', onclick: () => attempt(logOut) }, 'Log out')),
    h('div', { class: 'shell' },
      h('nav', { class: 'sidebar', 'aria-label': 'Conversations' },
        h('a', { class: 'new button primary', href: '#/new' }, '+ New conversation'),
        h('ul', { class: 'conversations', id: 'conversation-list' })),
      h('main', { id: 'main' })));
  return document.getElementById('main');
}

export function renderList() {
  const list = document.getElementById('conversation-list');
  if (!list) return;
  const current = location.hash.startsWith('#/c/') ? decodeURIComponent(location.hash.slice(4)) : null;
  setTitle(undefined, state.conversations.reduce((sum, c) => sum + (c.conversationId === current ? 0 : c.unread), 0));
  // Drawn again only when something shown changed: a list replaced under a click (between its
  // mousedown and mouseup) would swallow it.
  const drawn = JSON.stringify([current, state.conversations.map(c => [c.conversationId, conversationTitle(c), c.updated_at, c.unread])]);
  if (list.dataset.drawn === drawn) return;
  list.dataset.drawn = drawn;
  if (state.conversations.length === 0) {
    replace(list, h('li', { class: 'empty' }, 'No conversations yet.'));
    return;
  }
  replace(list, state.conversations.map(c => {
    // The open conversation is being read: its count is stale until the next refresh.
    const unread = c.conversationId === current ? 0 : c.unread;
    return h('li', {}, h('a', {
      href: '#/c/' + encodeURIComponent(c.conversationId), 'aria-current': c.conversationId === current ? 'page' : null,
      'data-conversation': c.conversationId
    },
    h('span', { class: 'title' }, conversationTitle(c)),
    h('span', { class: 'when' }, formatTime(c.updated_at)),
    unread ? h('span', { class: 'unread', 'aria-label': `${unread} unread` }, String(unread)) : null));
  }));
}

/** #/chats: on phones the conversation list itself; beside it on wider screens, a word on how to start. */
export function chatsHome(main) {
  replace(main, h('div', { class: 'pane' },
    h('h2', {}, 'Conversations'),
    h('p', {}, 'Pick a conversation, or start one with anyone on any OpenRed node: they are name@domain. Messages are end-to-end encrypted in this browser.'),
    h('p', {}, h('a', { href: '#/new' }, 'Start a conversation'))));
}
