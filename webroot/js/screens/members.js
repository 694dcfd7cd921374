// A conversation's people: the panel that lists them with their key fingerprints (add, remove with a
// new session key, trust changed keys) and the timeline's lines about who came and went.
'use strict';

import * as e2ee from '../e2ee.js';
import { keysOf, trustNewKeys } from '../contacts.js';
import { addParticipant, removeParticipant } from '../membership.js';
import { avatar, nameOf } from '../people.js';
import { attempt, explain, h, parseUserIds, replace, state, toast } from '../ui.js';

/** The timeline's lines about membership, each at its time: joins after the start, and removals. */
export function membershipLines(open) {
  const domain = state.node.domain;
  const start = open.members.reduce((first, m) => (first === null || m.joined_at < first ? m.joined_at : first), null);
  const lines = [];
  for (const m of open.members) {
    const who = m.userId === state.me.userId ? 'You' : nameOf(m.userId, domain);
    if (m.added_by && m.added_by !== m.userId && m.joined_at > start) {
      lines.push({ at: m.joined_at, text: `${who} ${m.userId === state.me.userId ? 'were' : 'was'} added by ${m.added_by === state.me.userId ? 'you' : nameOf(m.added_by, domain)}` });
    }
    if (m.removed_at) {
      lines.push({ at: m.removed_at, text: m.removed_by ? `${who} was removed by ${m.removed_by === state.me.userId ? 'you' : nameOf(m.removed_by, domain)}` : `${who} left` });
    }
  }
  return lines;
}

export function details(main, update) {
  const open = state.open;
  const error = h('p', { class: 'error', role: 'alert' });
  const input = h('input', { type: 'text', id: 'add-participant', placeholder: 'user@domain', autocomplete: 'off' });
  return h('section', { class: 'details', id: 'details', 'aria-label': 'People in this conversation', hidden: true },
    h('ul', {}),
    h('form', {
      class: 'inline-form',
      onsubmit: async event => {
        event.preventDefault();
        error.textContent = '';
        const ids = parseUserIds(input.value, state.node.domain);
        if (ids.length !== 1) {
          error.textContent = 'Enter one user id, like bob@example.org.';
          return;
        }
        await attempt(async () => {
          await addParticipant(open, ids[0]);
          update(main);
          input.value = '';
          toast(`${ids[0]} was added.`);
        }, message => { error.textContent = message; });
      }
    },
    h('div', {}, h('label', { for: 'add-participant' }, 'Add someone'), input),
    h('button', { type: 'submit' }, 'Add')),
    error);
}

export function participantItem(main, userId, update) {
  const print = h('span', { class: 'mono', 'aria-label': `Key fingerprint of ${userId}` }, '…');
  const warning = h('span', { class: 'key-warning' });
  keysOf(userId).then(async keys => {
    print.textContent = await e2ee.fingerprint(keys.sig);
    if (keys.changed) {
      replace(warning, 'New keys since you first saw them. ', h('button', {
        onclick: () => attempt(async () => { await trustNewKeys(userId); update(main); })
      }, 'I compared them: trust'));
    }
  }, e => { print.textContent = 'no published keys: ' + explain(e); });
  const me = userId === state.me.userId;
  return h('li', {},
    h('a', { class: 'who person', href: '#/u/' + encodeURIComponent(userId), title: userId }, avatar(userId),
      h('span', {}, nameOf(userId, state.node.domain), me ? ' (you)' : '', h('span', { class: 'mono muted id' }, ' ' + userId))),
    print,
    warning,
    // Nobody is removed from a conversation of two: either one leaves it by starting another.
    me || state.open.participants.length <= 2 ? null : h('button', {
      class: 'danger', 'aria-label': `Remove ${userId}`,
      onclick: async event => {
        if (!confirm(`Remove ${userId}? They will not be able to read anything sent from now on.`)) return;
        event.target.disabled = true;
        await attempt(async () => {
          await removeParticipant(state.open, userId);
          update(main);
          toast(`${userId} was removed.`);
        });
        event.target.disabled = false;
      }
    }, 'Remove'));
}
