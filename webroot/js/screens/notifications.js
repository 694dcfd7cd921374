// Notifications (#/notifications): what others did (requests, acceptances, new followers, likes,
// replies, messages), newest first, read once seen; the unread count beside the link in the top bar;
// and, once the person turned them on, the browser's own notifications while the tab is in the background.
'use strict';

import * as api from '../api.js';
import { loadProfiles, nameOf } from '../people.js';
import { attempt, focusHeading, formatTime, h, replace, setTitle, state } from '../ui.js';

let unread = 0;

/** The top bar's link, with its count. */
export function notificationsLink() {
  return h('a', { href: '#/notifications', id: 'notifications-link' }, 'Notifications', counter());
}

function counter() {
  return unread > 0 ? h('span', { class: 'unread', id: 'notifications-unread', 'aria-label': `${unread} unread` }, String(unread)) : null;
}

function showCount(count) {
  unread = count;
  const link = document.getElementById('notifications-link');
  if (link) replace(link, 'Notifications', counter());
}

/** What a notification says, and where it leads. */
function described(n) {
  const domain = state.node.domain;
  const who = nameOf(n.data.userId ?? n.data.senderId ?? '', domain);
  const profile = '#/u/' + encodeURIComponent(n.data.userId ?? '');
  switch (n.kind) {
    case 'friend_request': return [`${who} wants to be your friend.`, '#/people'];
    case 'follow_request': return [`${who} asks to follow you.`, '#/people'];
    case 'friend_accepted': return [`You and ${who} are now friends.`, profile];
    case 'new_follower': return [`${who} follows you now.`, profile];
    case 'follow_accepted': return [`${who} accepted your follow request.`, profile];
    case 'like': return [`${who} liked your post.`, '#/'];
    case 'reply': return [`${who} replied to your post.`, '#/'];
    case 'message': return [n.count === 1 ? `A new message from ${who}.` : `${n.count} new messages from ${who}.`,
      '#/c/' + encodeURIComponent(n.data.conversationId)];
    default: return [n.kind, '#/'];
  }
}

function people(list) {
  return list.map(n => n.data.userId ?? n.data.senderId).filter(Boolean);
}

/** What is about one conversation (its messages) is read once it is opened. */
export async function readAbout(subject) {
  if (unread === 0) return;
  const answer = await api.call('POST', '/notifications/read', { subject });
  showCount(answer.unread);
}

/** At sign-in: the count for the top bar. */
export async function loadUnread() {
  const answer = await api.call('GET', '/notifications');
  showCount(answer.unread);
}

export async function notificationsScreen(main) {
  setTitle('Notifications · OpenRed');
  const answer = await api.call('GET', '/notifications');
  await loadProfiles(people(answer.notifications));
  const list = h('ul', { class: 'notifications', id: 'notifications' });
  const more = h('div', { class: 'more' });
  const append = page => {
    page.notifications.forEach(n => {
      const [text, href] = described(n);
      list.append(h('li', { class: n.unread ? 'unread-item' : '' },
        h('a', { href }, text), ' ', h('time', { class: 'meta', datetime: n.updated_at }, formatTime(n.updated_at)),
        n.unread ? h('span', { class: 'sr-only' }, ' (new)') : null));
    });
    replace(more, page.next ? h('button', {
      onclick: () => attempt(async () => {
        const next = await api.call('GET', '/notifications?cursor=' + encodeURIComponent(page.next));
        await loadProfiles(people(next.notifications));
        append(next);
      })
    }, 'Show older') : null);
  };
  replace(main, h('div', { class: 'pane notifications-pane' },
    h('h2', {}, 'Notifications'),
    browserNotificationsChoice(),
    answer.notifications.length ? list : h('p', { class: 'empty' }, 'Nothing yet. Friend requests, new followers, likes, replies and messages show here.'),
    more));
  append(answer);
  focusHeading(main);
  if (answer.unread > 0) {
    await api.call('POST', '/notifications/read');
    showCount(0);
  }
}

/** Asked only when the person chooses, never on load. */
function browserNotificationsChoice() {
  if (!('Notification' in window)) return null;
  const box = h('div', { class: 'notice-choice', id: 'browser-notifications' });
  const draw = () => {
    if (Notification.permission === 'granted') {
      replace(box, h('p', { class: 'hint' }, 'Your browser tells you of new messages and requests while OpenRed is in the background.'));
    } else if (Notification.permission === 'denied') {
      replace(box, h('p', { class: 'hint' }, 'Browser notifications are blocked for this site: your browser\'s site settings can allow them.'));
    } else {
      replace(box, h('p', { class: 'hint' }, 'Want a word from your browser when a message or a request comes in while OpenRed is in the background?'),
        h('button', { onclick: () => attempt(async () => { await Notification.requestPermission(); draw(); }) }, 'Turn on browser notifications'));
    }
  };
  draw();
  return box;
}

/** A live notification: the count goes up (or the open list is drawn again), and a background tab asks the browser to tell. */
export async function notificationEvent(event) {
  const n = event.notification;
  if (n.kind === 'message' && state.open?.id === n.data.conversationId && document.visibilityState === 'visible') {
    // Being read as it comes: no count, no word from the browser.
    unread = event.unread;
    await readAbout(n.data.conversationId);
    return;
  }
  await loadProfiles(people([n]));
  if (location.hash === '#/notifications') {
    const main = document.querySelector('#main .view');
    if (main) await notificationsScreen(main);
  } else {
    showCount(event.unread);
  }
  const [text, href] = described(n);
  if (document.visibilityState === 'hidden' && window.Notification?.permission === 'granted'
    && ['message', 'friend_request', 'follow_request'].includes(n.kind)) {
    const shown = new Notification('OpenRed', { body: text, tag: n.id, icon: '/favicon.svg' });
    shown.onclick = () => {
      window.focus();
      location.hash = href;
      shown.close();
    };
  }
}
