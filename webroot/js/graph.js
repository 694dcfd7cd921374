// The user's connections as the app needs them: who is a friend, followed, following, asking, blocked,
// and the actions that fit each relationship, each one call to the node.
'use strict';

import * as api from './api.js';

export const LISTS = ['incoming', 'outgoing', 'friends', 'following', 'followers', 'blocked'];

/** GET /connections: {incoming, outgoing, friends, following, followers, blocked}. */
export function connections() {
  return api.call('GET', '/connections');
}

/** Where the user stands with {userId}: each list's entry for them (with its connection id), or null. */
export function standing(all, userId) {
  const of = list => all[list].filter(c => c.userId === userId);
  return {
    friend: of('friends')[0] ?? null,
    following: of('following')[0] ?? null,
    follower: of('followers')[0] ?? null,
    blocked: of('blocked')[0] ?? null,
    askedMe: of('incoming').find(c => c.type === 'friend') ?? null,
    askedToFollowMe: of('incoming').find(c => c.type === 'follow') ?? null,
    iAsked: of('outgoing').find(c => c.type === 'friend') ?? null,
    iAskedToFollow: of('outgoing').find(c => c.type === 'follow') ?? null
  };
}

export const act = {
  befriend: userId => api.call('POST', '/connections', { target: userId, type: 'friend' }),
  follow: userId => api.call('POST', '/connections', { target: userId, type: 'follow' }),
  accept: id => api.call('POST', `/connections/${encodeURIComponent(id)}/accept`),
  reject: id => api.call('POST', `/connections/${encodeURIComponent(id)}/reject`),
  end: id => api.call('DELETE', `/connections/${encodeURIComponent(id)}`),
  block: userId => api.call('POST', '/blocks', { target: userId }),
  unblock: userId => api.call('DELETE', `/blocks/${encodeURIComponent(userId)}`)
};
