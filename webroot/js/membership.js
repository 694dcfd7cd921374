// Who takes part in a conversation, and its session keys (PROTOCOL.md section 7): starting one with
// a key wrapped for each person, adding someone under the current key, removing someone with a new
// key for those who stay.
'use strict';

import * as api from './api.js';
import * as e2ee from './e2ee.js';
import { keysOf } from './contacts.js';
import { explain, state } from './ui.js';

const enc = encodeURIComponent;

export async function addParticipant(open, userId) {
  if (open.participants.includes(userId)) throw new Error(`${userId} is already here`);
  const keys = await keysOf(userId, true);
  const wrapped = await e2ee.wrapSessionKey(open.keys.get(open.keyVersion), open.id, open.keyVersion, userId, keys.dh);
  await api.call('POST', `/conversations/${enc(open.id)}/participants`, { userId, encryptedSessionKey: wrapped, keyVersion: open.keyVersion });
  open.participants = [...open.participants, userId];
}

/** A new session key for those who stay, one version up: the removed person cannot read what follows. */
export async function removeParticipant(open, userId) {
  const next = open.keyVersion + 1;
  const sessionKey = e2ee.newSessionKey();
  const staying = open.participants.filter(p => p !== userId);
  const participants = await wrapFor(sessionKey, open.id, next,
    await Promise.all(staying.map(async p => ({ userId: p, dh: (await keysOf(p)).dh }))));
  await api.call('DELETE', `/conversations/${enc(open.id)}/participants/${enc(userId)}`, { keyVersion: next, participants });
  open.participants = staying;
  open.keyVersion = next;
  open.keys.set(next, sessionKey);
}

/** The participants list of section 8: the session key wrapped for each {userId, dh}. */
function wrapFor(sessionKey, conversationId, keyVersion, people) {
  return Promise.all(people.map(async ({ userId, dh }) => ({
    userId, encryptedSessionKey: await e2ee.wrapSessionKey(sessionKey, conversationId, keyVersion, userId, dh)
  })));
}

/** Starts a conversation with the given people: their keys fetched, a session key wrapped for each. */
export async function startConversation(userIds) {
  const others = userIds.filter(id => id !== state.me.userId);
  if (others.length === 0) throw new Error('add at least one other person');
  const lookups = await Promise.allSettled(others.map(id => keysOf(id, true)));
  const missing = lookups.map((r, i) => r.status === 'rejected' ? `${others[i]}: ${explain(r.reason)}` : null).filter(Boolean);
  if (missing.length) throw new Error(missing.join('; '));
  const conversationId = crypto.randomUUID();
  const sessionKey = e2ee.newSessionKey();
  const everyone = [{ userId: state.me.userId, dh: (await e2ee.publicKeys(state.identity)).dh },
    ...others.map((userId, i) => ({ userId, dh: lookups[i].value.dh }))];
  const participants = await wrapFor(sessionKey, conversationId, 1, everyone);
  await api.call('POST', '/conversations', { conversationId, keyVersion: 1, participants });
  return conversationId;
}
