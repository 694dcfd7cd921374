// The OpenRed web app: signs people up and in, keeps their keys in this browser, and shows their
// end-to-end encrypted conversations live. Screens are addressed by the location hash:
//   #/login  #/signup  #/  #/new  #/c/<conversationId>  #/profile
'use strict';

import * as api from './api.js';
import { ApiError, SessionEnded } from './api.js';
import * as e2ee from './e2ee.js';
import * as vault from './vault.js';
import { LiveEvents } from './live.js';
import { conversationChanged, loadNewest, openConversation, startConversation } from './conversation.js';
import { attempt, conversationTitle, explain, focusHeading, formatTime, h, parseUserIds, replace, setTitle, state, toast } from './ui.js';

const root = document.getElementById('app');
let live = null;
let refreshTimer = null;
let listRefresh = null;
let authNotice = '';
let returnTo = null;

state.onSessionEnded = sessionEnded;

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
      authNotice = 'Log in again to unlock your keys in this browser.';
    }
  }
  route();
}

function route() {
  const path = location.hash.slice(1) || '/';
  if (!state.me) {
    if (path !== '/login' && path !== '/signup') {
      returnTo = returnTo ?? (path === '/' ? null : location.hash);
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

/* Signing up and logging in */

function authScreen(mode) {
  const signup = mode === 'signup';
  const error = h('p', { class: 'error', role: 'alert', id: 'auth-error' });
  const username = h('input', { type: 'text', id: 'username', name: 'username', required: true, autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', maxlength: 64, 'aria-describedby': 'username-hint' });
  const password = h('input', { type: 'password', id: 'password', name: 'password', required: true,
    autocomplete: signup ? 'new-password' : 'current-password', minlength: signup ? 8 : null });
  const confirmPassword = signup ? h('input', { type: 'password', id: 'password-again', required: true, autocomplete: 'new-password' }) : null;
  const submit = h('button', { class: 'primary', type: 'submit' }, signup ? 'Create account' : 'Log in');
  const status = h('span', { class: 'badge', id: 'node-status' }, 'checking…');
  fetch('/api/v1/health').then(r => r.json()).then(health => {
    status.textContent = health.status === 'up' ? 'up' : 'storage down';
    status.className = 'badge ' + (health.status === 'up' ? 'up' : 'down');
  }).catch(() => { status.textContent = 'unreachable'; status.className = 'badge down'; });

  const form = h('form', {
    'aria-labelledby': 'auth-title', novalidate: true,
    onsubmit: async event => {
      event.preventDefault();
      error.textContent = '';
      const name = username.value.trim().toLowerCase();
      if (!name || !password.value) {
        error.textContent = 'Enter your username and password.';
        return;
      }
      if (signup && password.value !== confirmPassword.value) {
        error.textContent = 'The two passwords differ.';
        confirmPassword.focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = signup ? 'Creating your account and keys…' : 'Logging in…';
      try {
        if (signup) await api.request('POST', '/auth/register', { username: name, password: password.value });
        await logIn(name, password.value);
      } catch (e) {
        error.textContent = e instanceof ApiError && e.is('rate-limited') && e.retryAfter
          ? `${e.message} (try again in ${e.retryAfter} s)` : explain(e);
        submit.disabled = false;
        submit.textContent = signup ? 'Create account' : 'Log in';
        password.select();
      }
    }
  },
  h('label', { for: 'username' }, 'Username'),
  h('div', { class: 'userid-field' }, username, h('span', { 'aria-hidden': 'true' }, '@' + state.node.domain)),
  h('p', { class: 'hint', id: 'username-hint' }, signup ? 'Lower-case letters, digits, dots, dashes and underscores. Your id will be name@' + state.node.domain + '.' : `Your account on ${state.node.domain}.`),
  h('label', { for: 'password' }, 'Password'),
  password,
  signup ? h('p', { class: 'hint' }, 'At least 8 characters. It also locks your encryption keys in this browser: nobody, not even this node, can reset it.') : null,
  signup ? [h('label', { for: 'password-again' }, 'Password, again'), confirmPassword] : null,
  error,
  h('div', { class: 'actions' }, submit));

  replace(root, h('main', { class: 'auth', id: 'main' },
    h('div', { class: 'card' },
      h('h1', { class: 'brand', id: 'auth-title' }, h('span', { class: 'dot', 'aria-hidden': 'true' }, '●'), 'OpenRed'),
      h('p', { class: 'muted' }, 'Private conversations, end-to-end encrypted in your browser.'),
      authNotice ? h('p', { class: 'notice', role: 'status' }, authNotice) : null,
      h('div', { class: 'tabs', role: 'tablist' },
        h('button', { role: 'tab', 'aria-selected': String(!signup), onclick: () => { location.hash = '#/login'; } }, 'Log in'),
        h('button', { role: 'tab', 'aria-selected': String(signup), onclick: () => { location.hash = '#/signup'; } }, 'Sign up')),
      form,
      h('p', { class: 'node-info' }, 'Node ', h('strong', {}, state.node.domain), ' · ', status, ' · ', state.node.software.name, ' ', state.node.software.version))));
  username.focus();
}

async function logIn(username, password) {
  const me = await api.login(username, password);
  const identity = await unlockKeys(me, password);
  if (identity) await finishKeys(me, identity);
  else keysScreen(me, password);
}

/** The keys the node publishes for this user, or null before any were. */
async function publishedKeys(userId) {
  try {
    return (await api.call('GET', `/keys/${encodeURIComponent(userId)}`)).keys;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** A new identity: sealed in this browser under the password, then published (replacing older keys if told). */
async function makeKeys(me, password, replaceOld) {
  const identity = await e2ee.generateIdentity();
  await vault.storeIdentity(await vault.seal(identity, me.userId, password));
  await api.call('PUT', '/keys', { ...(await e2ee.publicKeys(identity)), ...(replaceOld ? { replace: true } : {}) });
  return identity;
}

/** This browser's keys for the user, made on first use; null when only a backup can bring them here. */
async function unlockKeys(me, password) {
  const published = await publishedKeys(me.userId);
  const sealed = await vault.storedIdentity(me.userId);
  if (sealed) {
    const identity = await vault.unseal(sealed, me.userId, password).catch(() => null);
    if (identity && !published) {
      await api.call('PUT', '/keys', { sig: sealed.sig, dh: sealed.dh });
      return identity;
    }
    if (identity && published.sig === sealed.sig && published.dh === sealed.dh) return identity;
  }
  return published ? null : makeKeys(me, password, false);
}

/** The user's keys are published but not in this browser: restore the backup, or start over. */
function keysScreen(me, password) {
  const error = h('p', { class: 'error', role: 'alert' });
  const file = h('input', { type: 'file', id: 'backup-file', accept: 'application/json,.json' });
  const backupPassword = h('input', { type: 'password', id: 'backup-password', autocomplete: 'off' });
  replace(root, h('main', { class: 'auth', id: 'main' }, h('div', { class: 'card' },
    h('h1', { class: 'brand' }, 'Your keys are not in this browser'),
    h('p', {}, `${me.userId} has encryption keys, made in another browser. Restore them from your key backup to read your conversations here.`),
    h('form', {
      onsubmit: async event => {
        event.preventDefault();
        error.textContent = '';
        if (!file.files[0]) {
          error.textContent = 'Choose your backup file (openred-keys-….json).';
          return;
        }
        await attempt(async () => {
          let sealed;
          try {
            sealed = JSON.parse(await file.files[0].text());
          } catch (e) {
            throw new e2ee.E2eeError('malformed', 'this file is not an OpenRed key backup');
          }
          const identity = await vault.unseal(sealed, me.userId, backupPassword.value || password);
          const published = await publishedKeys(me.userId);
          if (published?.sig !== sealed.sig || published?.dh !== sealed.dh) {
            throw new Error('this backup holds older keys than the ones your node publishes');
          }
          await vault.storeIdentity(await vault.seal(identity, me.userId, password));
          await finishKeys(me, identity);
        }, message => { error.textContent = message; });
      }
    },
    h('label', { for: 'backup-file' }, 'Key backup file'), file,
    h('label', { for: 'backup-password' }, 'Password of the backup'), backupPassword,
    h('p', { class: 'hint' }, 'Leave it empty if it is the password you just logged in with.'),
    error,
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, 'Restore keys'))),
    h('hr'),
    h('p', {}, 'No backup? You can make new keys. Messages sent to your old keys stay unreadable, and your contacts will see a new fingerprint.'),
    h('div', { class: 'actions' },
      h('button', { class: 'danger', onclick: () => attempt(async () => {
        if (!confirm('Make new keys? Older messages can no longer be read with them.')) return;
        await finishKeys(me, await makeKeys(me, password, true));
      }, message => { error.textContent = message; }) }, 'Make new keys'),
      h('button', { class: 'link', onclick: async () => { await api.logout(); route(); } }, 'Log out')))));
}

/** Keys in hand: into the app, back where the user was sent away from, if anywhere. */
async function finishKeys(me, identity) {
  await enter(me, await vault.keepUnlocked(identity, me.userId));
  authNotice = '';
  location.hash = returnTo ?? '#/';
  returnTo = null;
}

/* Signed in */

async function enter(me, identity) {
  state.me = me;
  state.identity = identity;
  keepTokenFresh();
  live = new LiveEvents({
    address: 'user.' + me.username,
    token: force => api.accessToken(force),
    onEvent: event => attempt(() => liveEvent(event)),
    onState: liveState,
    onRefused: () => sessionEnded()
  });
  live.start();
  await attempt(refreshConversations);
}

function keepTokenFresh() {
  clearTimeout(refreshTimer);
  const due = api.refreshDueIn();
  if (due === null) return;
  refreshTimer = setTimeout(async () => {
    const ok = await attempt(() => api.accessToken(), () => undefined);
    // A failed refresh that did not end the session (node restarting): try again soon.
    if (state.me) refreshTimer = setTimeout(keepTokenFresh, ok === undefined ? 10_000 : 0);
  }, due);
}

const LIVE_LABELS = { live: 'live', connecting: 'connecting…', offline: 'offline, reconnecting…' };
let liveNow = 'connecting';

function liveBadge() {
  return h('span', { class: 'badge ' + liveNow, id: 'live-state', role: 'status', 'aria-label': 'Live updates' }, LIVE_LABELS[liveNow]);
}

function liveState(value, reconnected) {
  liveNow = value;
  document.getElementById('live-state')?.replaceWith(liveBadge());
  if (value === 'live' && reconnected) {
    // What happened while the bridge was down: fetched, not replayed.
    attempt(async () => {
      await refreshConversations();
      await loadNewest();
    });
  }
}

async function liveEvent(event) {
  if (event.type === 'message.new' && state.open?.id === event.conversationId) {
    await loadNewest();
  }
  scheduleListRefresh();
}

function scheduleListRefresh() {
  clearTimeout(listRefresh);
  listRefresh = setTimeout(() => attempt(refreshConversations), 150);
}

async function refreshConversations() {
  const answer = await api.call('GET', '/conversations');
  state.conversations = answer.conversations.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  renderList();
  const main = document.getElementById('main');
  if (state.open && main) await conversationChanged(main);
}

/** Out of the app: live events stopped, the unlocked keys forgotten, the tokens gone (revoked when asked). */
async function leave(notice, revoke) {
  const { userId } = state.me;
  // Signed out at once, before anything awaits, so a second failing request does not leave twice.
  Object.assign(state, { me: null, identity: null, conversations: [], open: null });
  live?.stop();
  clearTimeout(refreshTimer);
  setTitle('OpenRed', 0);
  authNotice = notice;
  await vault.forgetUnlocked(userId).catch(() => undefined);
  if (revoke) await api.logout();
  else api.session.clear();
}

async function sessionEnded() {
  if (!state.me) return;
  await leave('Your session has ended. Log in again: your unsent draft is kept.', false);
  returnTo = location.hash;
  history.replaceState(null, '', '#/login');
  route();
}

async function logOut() {
  await leave('You are logged out.', true);
  returnTo = null;
  location.hash = '#/login';
}

function shell() {
  const existing = document.getElementById('main');
  if (existing && root.querySelector('.shell')) return existing;
  replace(root,
    h('header', { class: 'topbar' },
      h('h1', { class: 'brand' }, h('span', { class: 'dot', 'aria-hidden': 'true' }, '●'), 'OpenRed'),
      liveBadge(),
      h('span', { class: 'spacer' }),
      h('span', { class: 'me' }, state.me.userId),
      h('a', { href: '#/profile', class: 'link' }, 'Profile'),
      h('button', { id: 'logout', onclick: () => attempt(logOut) }, 'Log out')),
    h('div', { class: 'shell' },
      h('nav', { class: 'sidebar', 'aria-label': 'Conversations' },
        h('a', { class: 'new button primary', href: '#/new' }, '+ New conversation'),
        h('ul', { class: 'conversations', id: 'conversation-list' })),
      h('main', { id: 'main' })));
  return document.getElementById('main');
}

function renderList() {
  const list = document.getElementById('conversation-list');
  if (!list) return;
  const current = location.hash.startsWith('#/c/') ? decodeURIComponent(location.hash.slice(4)) : null;
  setTitle(undefined, state.conversations.reduce((sum, c) => sum + (c.conversationId === current ? 0 : c.unread), 0));
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

function home(main) {
  replace(main, h('div', { class: 'pane' },
    h('h2', {}, 'Welcome, ' + state.me.username),
    h('p', {}, 'Pick a conversation, or start one with anyone on any OpenRed node: they are user@domain.'),
    h('p', {}, h('a', { href: '#/new' }, 'Start a conversation'))));
}

function newConversation(main) {
  const error = h('p', { class: 'error', role: 'alert' });
  const people = h('textarea', { id: 'people', rows: 2, placeholder: 'bob@example.org, carol@friends.net', 'aria-describedby': 'people-hint' });
  const submit = h('button', { class: 'primary', type: 'submit' }, 'Start conversation');
  replace(main, h('div', { class: 'pane' },
    h('a', { class: 'back', href: '#/' }, '← Conversations'),
    h('h2', {}, 'New conversation'),
    h('form', {
      onsubmit: async event => {
        event.preventDefault();
        error.textContent = '';
        const ids = parseUserIds(people.value, state.node.domain);
        if (ids.length === 0) {
          error.textContent = 'Enter at least one user id.';
          return;
        }
        submit.disabled = true;
        submit.textContent = 'Fetching their keys…';
        const id = await attempt(() => startConversation(ids), message => { error.textContent = message; });
        submit.disabled = false;
        submit.textContent = 'Start conversation';
        if (id) {
          await attempt(refreshConversations);
          location.hash = '#/c/' + encodeURIComponent(id);
        }
      }
    },
    h('label', { for: 'people' }, 'People'),
    people,
    h('p', { class: 'hint', id: 'people-hint' }, `One or more user ids, separated by commas or spaces. A name alone is someone on ${state.node.domain}.`),
    error,
    h('div', { class: 'actions' }, submit))));
  focusHeading(main);
}

async function profile(main) {
  const keys = await e2ee.publicKeys(state.identity);
  const print = await e2ee.fingerprint(keys.sig);
  replace(main, h('div', { class: 'pane' },
    h('a', { class: 'back', href: '#/' }, '← Conversations'),
    h('h2', {}, 'Your profile'),
    h('dl', {},
      h('dt', {}, 'Your id'), h('dd', { class: 'mono', id: 'my-id' }, state.me.userId),
      h('dt', {}, 'Your key fingerprint'), h('dd', {}, h('span', { class: 'fingerprint mono', id: 'my-fingerprint' }, print))),
    h('p', { class: 'hint' }, 'Compare this fingerprint with the one your contacts see next to your name under "People" in a conversation, in person or on a call. If they match, nobody stands in between.'),
    h('h3', {}, 'Key backup'),
    h('p', {}, 'Your private keys live only in this browser. Download the backup, locked with your password, to use OpenRed in another browser.'),
    h('div', { class: 'actions' },
      h('button', { id: 'download-backup', onclick: () => attempt(downloadBackup) }, 'Download encrypted key backup'),
      h('button', { class: 'danger', onclick: () => attempt(logOut) }, 'Log out'))));
  focusHeading(main);
}

async function downloadBackup() {
  const sealed = await vault.storedIdentity(state.me.userId);
  if (!sealed) throw new Error('no key backup is kept in this browser');
  const url = URL.createObjectURL(new Blob([JSON.stringify(sealed, null, 2)], { type: 'application/json' }));
  const link = h('a', { href: url, download: `openred-keys-${state.me.userId}.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  toast('Backup saved. Keep it somewhere safe: with your password, it opens your conversations.');
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
