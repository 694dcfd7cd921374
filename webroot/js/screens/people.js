// People (#/people, #/search/<q>): finding someone (by name on this node, anyone by name@domain),
// and one's connections: requests in and out, friends, following, followers, blocked.
'use strict';

import * as api from '../api.js';
import { act, connections } from '../graph.js';
import { avatar, forget, loadProfiles, nameOf, remember } from '../people.js';
import { attempt, focusHeading, h, replace, setTitle, state, toast } from '../ui.js';

const TITLES = {
  incoming: 'Requests for you', outgoing: 'Your requests', friends: 'Friends', following: 'Following',
  followers: 'Followers', blocked: 'Blocked'
};
const EMPTY = {
  incoming: 'No one is waiting for an answer.', outgoing: 'You are not waiting for anyone.', friends: 'No friends yet.',
  following: 'You follow no one yet.', followers: 'No followers yet.', blocked: 'You blocked no one.'
};

/** A search box (the top bar's, the People screen's): a query opens the People screen with its results. */
export function searchBox(id = 'search', value = '') {
  const input = h('input', { type: 'search', id, value, placeholder: 'Find people', 'aria-label': 'Find people by name or name@domain', maxlength: 100 });
  return h('form', {
    class: 'search', role: 'search', onsubmit: event => {
      event.preventDefault();
      const q = input.value.trim();
      if (q) location.hash = '#/search/' + encodeURIComponent(q);
    }
  }, input);
}

export async function peopleScreen(main, query = '') {
  setTitle('People · OpenRed');
  const results = h('section', { class: 'results', 'aria-label': 'Search results' });
  const lists = h('div', { class: 'lists' });
  replace(main, h('div', { class: 'pane people' },
    h('h2', {}, 'People'),
    searchBox('people-search', query),
    h('p', { class: 'hint', id: 'people-search-hint' }, `Find someone on ${state.node.domain} by name, or anyone on any node by their full id, like bob@example.org.`),
    query ? results : null,
    lists));
  focusHeading(main);
  if (query) await search(results, query);
  await drawLists(lists, () => peopleScreen(main, query));
}

async function search(box, query) {
  let answer;
  try {
    answer = await api.call('GET', '/search/users?q=' + encodeURIComponent(query));
  } catch (e) {
    if (e.status === 400) {
      replace(box, h('p', { class: 'error' }, e.message));
      return;
    }
    throw e;
  }
  answer.users.forEach(remember);
  replace(box, h('h3', {}, `Results for “${query}”`),
    answer.users.length ? h('ul', { class: 'people-list' }, answer.users.map(user => h('li', {},
      row(user.userId, user.bio ? h('span', { class: 'muted bio-line' }, user.bio.split('\n')[0]) : null))))
      : h('p', { class: 'empty' }, query.includes('@') ? `No one called ${query} answers.` : `No one on ${state.node.domain} is called “${query}”. For someone elsewhere, type their full id.`));
}

function row(userId, ...extra) {
  return [h('a', { class: 'person', href: '#/u/' + encodeURIComponent(userId), title: userId },
    avatar(userId), h('span', { class: 'name' }, nameOf(userId, state.node.domain)), h('span', { class: 'mono muted id' }, userId)), ...extra];
}

async function drawLists(box, redraw) {
  const all = await connections();
  await loadProfiles(Object.values(all).flat().map(c => c.userId));
  const doing = (label, action, done, kind = '') => h('button', {
    class: kind, onclick: () => attempt(async () => {
      await action();
      toast(done);
      await redraw();
    })
  }, label);
  const actions = {
    incoming: c => [doing('Accept', () => act.accept(c.id), c.type === 'friend' ? 'You are now friends.' : 'They follow you now.', 'primary'),
      doing('Reject', () => act.reject(c.id), 'Request rejected.')],
    outgoing: c => [doing('Cancel', () => act.end(c.id), 'Request cancelled.')],
    friends: c => [doing('Unfriend', () => act.end(c.id), 'No longer friends.')],
    following: c => [doing('Unfollow', () => act.end(c.id), 'Unfollowed.')],
    followers: c => [doing('Remove', () => act.end(c.id), 'They no longer follow you.')],
    blocked: c => [doing('Unblock', async () => {
      await act.unblock(c.userId);
      forget(c.userId);
    }, 'Unblocked.')]
  };
  replace(box, Object.keys(TITLES).map(list => h('section', { 'aria-labelledby': `list-${list}` },
    h('h3', { id: `list-${list}` }, TITLES[list], all[list].length ? h('span', { class: 'count' }, ` ${all[list].length}`) : null),
    all[list].length ? h('ul', { class: 'people-list', id: `people-${list}` }, all[list].map(c => h('li', {},
      row(c.userId, list === 'incoming' || list === 'outgoing' ? h('span', { class: 'badge' }, c.type === 'friend' ? 'friend request' : 'follow request') : null),
      h('span', { class: 'row-actions' }, actions[list](c)))))
      : h('p', { class: 'empty' }, EMPTY[list]))));
}
