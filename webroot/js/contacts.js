// Contacts' keys: a user's published keys, remembered for the page's life, and the first signing key
// seen for each contact pinned in this browser, so a later, different one is flagged.
'use strict';

import * as api from './api.js';
import { state } from './ui.js';

const published = new Map();

/**
 * A user's published keys {sig, dh, changed}, local or fetched through federation; remembered for the
 * page's life. The first signing key seen for each contact is pinned in this browser: a later,
 * different one is flagged (changed: true) until the user accepts it, because a node could hand out
 * keys of its own making (ATTACKS 21).
 */
export function keysOf(userId, fresh = false) {
  if (fresh || !published.has(userId)) {
    const lookup = api.call('GET', `/keys/${encodeURIComponent(userId)}`).then(answer => ({ ...answer.keys, changed: pinChanged(userId, answer.keys.sig) }));
    lookup.catch(() => published.delete(userId));
    published.set(userId, lookup);
  }
  return published.get(userId);
}

function pinsKey() {
  return `openred.pins.${state.me.userId}`;
}

function pins() {
  try {
    return JSON.parse(localStorage.getItem(pinsKey())) ?? {};
  } catch (e) {
    return {};
  }
}

function pinChanged(userId, sig) {
  const all = pins();
  if (userId === state.me.userId) return false;
  if (!all[userId]) {
    all[userId] = sig;
    localStorage.setItem(pinsKey(), JSON.stringify(all));
    return false;
  }
  return all[userId] !== sig;
}

export async function trustNewKeys(userId) {
  const keys = await keysOf(userId);
  localStorage.setItem(pinsKey(), JSON.stringify({ ...pins(), [userId]: keys.sig }));
  keys.changed = false;
}
