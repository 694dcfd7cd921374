// The signed-in session: logging in and unlocking this browser's keys, the live events, the access
// token kept fresh, the conversation list kept current, and leaving (logout or an ended session).
'use strict';

import * as api from './api.js';
import { ApiError } from './api.js';
import * as e2ee from './e2ee.js';
import * as vault from './vault.js';
import { LiveEvents } from './live.js';
import { conversationChanged, deliveryChanged, loadNewest } from './screens/conversation.js';
import { attempt, h, setTitle, state, toast } from './ui.js';
import { renderList } from './screens/list.js';
import { keysScreen } from './screens/keys.js';
import { postEvent } from './screens/feed.js';
import { loadUnread, notificationEvent } from './screens/notifications.js';
import { forget, loadProfiles, nameOf } from './people.js';

/** What the router needs across screens: a notice for the login screen, and where to go back to after it. */
export const flow = { notice: '', returnTo: null, route: () => undefined };

let live = null;
let refreshTimer = null;
let listRefresh = null;

export async function logIn(username, password) {
  const me = await api.login(username, password);
  const identity = await unlockKeys(me, password);
  if (identity) await finishKeys(me, identity);
  else keysScreen(me, password);
}

/** The keys the node publishes for this user, or null before any were. */
export async function publishedKeys(userId) {
  try {
    return (await api.call('GET', `/keys/${encodeURIComponent(userId)}`)).keys;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** A new identity: sealed in this browser under the password, then published (replacing older keys if told). */
export async function makeKeys(me, password, replaceOld) {
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

/** Keys in hand: into the app, back where the user was sent away from, if anywhere. */
export async function finishKeys(me, identity) {
  await enter(me, await vault.keepUnlocked(identity, me.userId));
  flow.notice = '';
  location.hash = flow.returnTo ?? '#/';
  flow.returnTo = null;
}

export async function enter(me, identity) {
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
  attempt(loadUnread);
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

export function liveBadge() {
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
  if (event.type === 'notification.new') {
    await notificationEvent(event);
    return;
  }
  if (event.type === 'post.new' || event.type === 'post.reaction') {
    await postEvent(event);
    return;
  }
  if (event.type === 'profile.updated') {
    forget(event.userId);
    await loadProfiles([event.userId]);
    renderList();
    return;
  }
  if ((event.type === 'connection.request' || event.type === 'connection.updated') && !event.self) {
    await loadProfiles([event.userId]);
    const who = nameOf(event.userId, state.node.domain);
    const said = event.type === 'connection.request'
      ? (event.connection === 'friend' ? `${who} wants to be your friend.` : `${who} asks to follow you.`)
      : event.state === 'active' ? (event.connection === 'friend' ? `You and ${who} are now friends.` : `${who} and you: following.`) : null;
    if (said) toast(said);
    if (location.hash === '#/people' || location.hash.startsWith('#/u/')) flow.route();
    return;
  }
  if (event.type === 'message.delivery') {
    deliveryChanged(event);
    return;
  }
  if (event.type === 'message.new' && state.open?.id === event.conversationId) {
    await loadNewest();
  }
  scheduleListRefresh();
}

function scheduleListRefresh() {
  clearTimeout(listRefresh);
  listRefresh = setTimeout(() => attempt(refreshConversations), 150);
}

export async function refreshConversations() {
  const answer = await api.call('GET', '/conversations');
  state.conversations = answer.conversations.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  renderList();
  // Names and faces come from each person's node: the list does not wait for a slow one.
  loadProfiles(state.conversations.flatMap(c => c.participants)).then(renderList);
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
  flow.notice = notice;
  await vault.forgetUnlocked(userId).catch(() => undefined);
  if (revoke) await api.logout();
  else api.session.clear();
}

export async function sessionEnded() {
  if (!state.me) return;
  await leave('Your session has ended. Log in again: your unsent draft is kept.', false);
  flow.returnTo = location.hash;
  history.replaceState(null, '', '#/login');
  flow.route();
}

/** Every session of this user ends (this one too): other browsers are back at their login screen within a token's life. */
export async function logOutEverywhere() {
  if (!confirm('Sign out everywhere? Every browser where you are logged in, this one too, will ask for your password again.')) return;
  await api.call('POST', '/auth/logout-all');
  await leave('You are signed out everywhere.', false);
  flow.returnTo = null;
  location.hash = '#/login';
}

/** The account is gone: its keys in this browser too, then the login screen says so. */
export async function accountDeleted() {
  const { userId } = state.me;
  await leave('Your account is deleted.', false);
  await vault.forgetIdentity(userId).catch(() => undefined);
  flow.returnTo = null;
  location.hash = '#/login';
}

export async function logOut() {
  await leave('You are logged out.', true);
  flow.returnTo = null;
  location.hash = '#/login';
}

