// Starting a conversation with people on any node.
'use strict';

import { startConversation } from '../membership.js';
import { attempt, focusHeading, h, parseUserIds, replace, state } from '../ui.js';
import { refreshConversations } from '../session.js';

/** The form, with {to} filled in when it came from someone's profile. */
export function newConversation(main, to = '') {
  const error = h('p', { class: 'error', role: 'alert' });
  const people = h('textarea', { id: 'people', rows: 2, placeholder: 'bob@example.org, carol@friends.net', 'aria-describedby': 'people-hint' }, to);
  const submit = h('button', { class: 'primary', type: 'submit' }, 'Start conversation');
  replace(main, h('div', { class: 'pane' },
    h('a', { class: 'back', href: '#/chats' }, '← Conversations'),
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

