// The OpenRed web app: signs people up and in, keeps their keys in this browser, and shows their
// end-to-end encrypted conversations live. This is its router: screens are addressed by the location
// hash, each one a module of screens/:
//   #/login  #/signup  #/  #/new  #/c/<conversationId>  #/profile
'use strict';

import * as api from './api.js';
import { SessionEnded } from './api.js';
import * as vault from './vault.js';
import { openConversation } from './screens/conversation.js';
import { h, replace, setTitle, state } from './ui.js';
import { enter, flow, sessionEnded } from './session.js';
import { authScreen } from './screens/auth.js';
import { home, renderList, shell } from './screens/list.js';
import { newConversation } from './screens/new.js';
import { profile } from './screens/profile.js';

const root = document.getElementById('app');

state.onSessionEnded = sessionEnded;
flow.route = route;

async function boot() {
  state.node = await fetch('/.well-known/openred', { headers: { Accept: 'application/json' } })
    .then(r => r.ok ? r.json() : null).catch(() => null);
  root.removeAttribute('aria-busy');
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
  root.querySelector('.shell').classList.toggle('open', path !== '/');
  renderList();
  if (path.startsWith('/c/')) {
    openConversation(main, decodeURIComponent(path.slice(3)));
    return;
  }
  state.open = null;
  setTitle('OpenRed');
  if (path === '/new') newConversation(main);
  else if (path === '/profile') profile(main);
  else home(main);
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

boot();
