// Anyone's profile (#/u/<userId>): face, name, id, bio, the buttons that fit the relationship, and
// the posts of theirs one may see.
'use strict';

import { act, connections, standing } from '../graph.js';
import { avatar, forget, profileOf } from '../people.js';
import { postList } from '../posts.js';
import { attempt, focusHeading, h, replace, setTitle, state, toast } from '../ui.js';

export async function userScreen(main, userId) {
  if (userId === state.me.userId) {
    location.hash = '#/profile';
    return;
  }
  const [profile, all] = await Promise.all([profileOf(userId, true), connections()]);
  const name = profile.displayName || userId;
  setTitle(`${name} · OpenRed`);
  const buttons = h('div', { class: 'actions', id: 'relationship' });
  const posts = h('div');
  replace(main, h('div', { class: 'pane user' },
    h('header', { class: 'profile-head' },
      avatar(userId, 'large'),
      h('div', {},
        h('h2', {}, name),
        h('p', { class: 'mono muted', id: 'user-id' }, userId),
        profile.unavailable ? h('p', { class: 'notice' }, 'This profile cannot be read right now: the user may not exist, or their node does not answer.') : null)),
    profile.bio ? h('p', { class: 'bio' }, profile.bio) : null,
    buttons,
    h('h3', {}, 'Posts'),
    posts));
  renderButtons(buttons, userId, standing(all, userId), () => userScreen(main, userId));
  focusHeading(main);
  await postList(posts, `/users/${encodeURIComponent(userId)}/posts`,
    userId.endsWith('@' + state.node.domain) ? 'No posts you can see yet.' : 'No posts you can see yet: posts of people on other nodes show here once you follow them or are friends.').load()
    .catch(e => {
      if (e.status !== 404) throw e;
      replace(posts, h('p', { class: 'empty' }, 'No posts to show.'));
    });
}

/** The buttons that fit where the user stands with them; each does its call, says what happened and draws the screen again. */
function renderButtons(box, userId, s, redraw) {
  const button = (label, action, done, kind = '') => h('button', {
    class: kind, onclick: () => attempt(async () => {
      if (await action() === false) return;
      toast(done);
      forget(userId);
      await redraw();
    })
  }, label);
  if (s.blocked) {
    replace(box, h('p', { class: 'muted' }, 'You blocked this person: neither of you can see or reach the other.'),
      button('Unblock', () => act.unblock(userId), 'Unblocked.'));
    return;
  }
  const items = [];
  if (s.friend) items.push(h('span', { class: 'badge up' }, 'Friends'), button('Unfriend', () => act.end(s.friend.id), 'No longer friends.'));
  else if (s.askedMe) {
    items.push(h('span', { class: 'badge' }, 'Wants to be your friend'),
      button('Accept', () => act.accept(s.askedMe.id), 'You are now friends.', 'primary'),
      button('Reject', () => act.reject(s.askedMe.id), 'Request rejected.'));
  } else if (s.iAsked) items.push(h('span', { class: 'badge' }, 'Friend request sent'), button('Cancel request', () => act.end(s.iAsked.id), 'Request cancelled.'));
  else items.push(button('Add friend', () => act.befriend(userId), 'Friend request sent.', 'primary'));
  if (s.following) items.push(button('Unfollow', () => act.end(s.following.id), 'Unfollowed.'));
  else if (s.iAskedToFollow) items.push(h('span', { class: 'badge' }, 'Follow request sent'), button('Cancel follow request', () => act.end(s.iAskedToFollow.id), 'Follow request cancelled.'));
  else items.push(button('Follow', () => act.follow(userId), 'Following.'));
  if (s.askedToFollowMe) {
    items.push(button('Let them follow you', () => act.accept(s.askedToFollowMe.id), 'They follow you now.'),
      button('Refuse follow', () => act.reject(s.askedToFollowMe.id), 'Follow refused.'));
  }
  if (s.follower) items.push(h('span', { class: 'badge' }, 'Follows you'));
  items.push(h('a', { class: 'button', href: '#/new?to=' + encodeURIComponent(userId) }, 'Message'));
  items.push(button('Block', async () => {
    if (!confirm(`Block ${userId}? Friendship and follows end both ways, and neither of you can see or reach the other.`)) return false;
    await act.block(userId);
  }, 'Blocked.', 'danger'));
  replace(box, items);
}
