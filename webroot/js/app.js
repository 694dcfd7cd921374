// The OpenRed web app: signs people up and in, keeps their keys in this browser, and shows their
// end-to-end encrypted conversations live. This is its router: screens are addressed by the location
// hash, each one a module of screens/:
//   #/login  #/signup  #/ (the feed)  #/people  #/search/<q>  #/u/<userId>  #/notifications  #/new[?to=<userId>]
//   #/c/<conversationId>  #/profile
'use strict';

import * as api from './api.js';
import { SessionEnded } from './api.js';
import * as vault from './vault.js';
import { openConversation } from './screens/conversation.js';
import { attempt, h, replace, setTitle, state } from './ui.js';
import { enter, flow, sessionEnded } from './session.js';
import { authScreen } from './screens/auth.js';
import { chatsHome, renderList, shell } from './screens/list.js';
import { newConversation } from './screens/new.js';
import { backupStep, profile } from './screens/profile.js';
import { feedScreen } from './screens/feed.js';
import { peopleScreen } from './screens/people.js';
import { userScreen } from './screens/user.js';
import { notificationsScreen } from './screens/notifications.js';

const root = document.getElementById('app');

state.onSessionEnded = sessionEnded;
flow.route = route;

async function boot() {
  let reached = true;
  state.node = await fetch('/.well-known/openred', { headers: { Accept: 'application/json' }, cache: 'no-store' })
    .then(r => r.ok ? r.json() : null).catch(() => {
      reached = false;
      return null;
    });
  root.removeAttribute('aria-busy');
  if (!reached) {
    offline();
    return;
  }
  if (!state.node) {
    registryOnly();
    return;
  }
  window.addEventListener('hashchange', route);
  const me = api.currentUser();
  if (me) {
    const identity = await vault.unlocked(me.userId).catch(() => null);
    if (identity) {
      await enter(me, identity);
    } else {
      // Tokens without keys are of no use here: the password unlocks the keys again.
      await api.logout();
      flow.notice = 'Log in again to unlock your keys in this browser.';
    }
  }
  route();
}

function route() {
  const path = location.hash.slice(1) || '/';
  if (!state.me) {
    if (path !== '/login' && path !== '/signup') {
      flow.returnTo = flow.returnTo ?? (path === '/' ? null : location.hash);
      history.replaceState(null, '', '#/login');
    }
    authScreen(location.hash === '#/signup' ? 'signup' : 'login');
    return;
  }
  if (path === '/login' || path === '/signup') {
    location.hash = '#/';
    return;
  }
  const main = shell();
  // On phones one pane shows: the conversation list at #/chats, what is open anywhere else.
  root.querySelector('.shell').classList.toggle('open', path !== '/chats');
  renderList();
  markNav(path);
  if (path.startsWith('/c/')) {
    openConversation(main, decodeURIComponent(path.slice(3)));
    return;
  }
  state.open = null;
  setTitle('OpenRed');
  // Each visit draws into its own view: a screen still loading when the person moved on (or a live
  // event redrew it) finishes into a detached view instead of over the screen now shown.
  const view = h('div', { class: 'view' });
  replace(main, view);
  attempt(() => screenFor(path, view));
}

function screenFor(path, view) {
  if (path.startsWith('/new')) return newConversation(view, new URLSearchParams(path.split('?')[1] ?? '').get('to') ?? '');
  if (path === '/profile') return profile(view);
  if (path === '/backup') return backupStep(view);
  if (path === '/chats') return chatsHome(view);
  if (path === '/people') return peopleScreen(view);
  if (path === '/notifications') return notificationsScreen(view);
  if (path.startsWith('/search/')) return peopleScreen(view, decodeURIComponent(path.slice(8)));
  if (path.startsWith('/u/')) return userScreen(view, decodeURIComponent(path.slice(3)));
  return feedScreen(view);
}

/** The top bar says where one is. */
function markNav(path) {
  const here = path === '/' ? '#/' : path === '/people' || path.startsWith('/search/') ? '#/people' : path === '/profile' ? '#/profile'
    : path === '/notifications' ? '#/notifications'
    : path === '/chats' || path.startsWith('/c/') || path.startsWith('/new') ? '#/chats' : null;
  root.querySelectorAll('.topnav a').forEach(a => a.setAttribute('aria-current', a.getAttribute('href') === here ? 'page' : 'false'));
}

/** Opened without a network (the service worker served the app): said plainly, and tried again once the network is back. */
function offline() {
  replace(root, h('main', { class: 'auth', id: 'main' }, h('div', { class: 'card', id: 'offline' },
    h('h1', { class: 'brand' }, h('span', { class: 'dot', 'aria-hidden': 'true' }, '●'), 'OpenRed'),
    h('p', { role: 'status' }, 'You are offline: your node cannot be reached from here right now.'),
    h('p', { class: 'hint' }, 'Nothing is lost. OpenRed opens by itself as soon as the network is back.'),
    h('div', { class: 'actions' }, h('button', { onclick: () => location.reload() }, 'Try again')))));
  window.addEventListener('online', () => location.reload(), { once: true });
}

function registryOnly() {
  replace(root, h('main', { class: 'auth', id: 'main' }, h('div', { class: 'card' },
    h('h1', { class: 'brand' }, h('span', { class: 'dot', 'aria-hidden': 'true' }, '●'), 'OpenRed'),
    h('p', {}, 'This process runs the OpenRed registry only: a directory that helps nodes find each other. It holds no accounts.'),
    h('p', { class: 'hint' }, 'Its description: ', h('a', { href: '/.well-known/openred-registry' }, h('code', {}, '/.well-known/openred-registry'))))));
}

window.addEventListener('unhandledrejection', event => {
  if (event.reason instanceof SessionEnded) {
    event.preventDefault();
    sessionEnded();
  }
});

// The app's own files kept for offline use (sw.js caches nothing else); a browser without service workers just needs the network.
navigator.serviceWorker?.register('/sw.js').catch(() => undefined);

boot();
