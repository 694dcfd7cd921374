// Small DOM helpers and the state the screens share.
'use strict';

import { ApiError, SessionEnded } from './api.js';
import { E2eeError } from './e2ee.js';
import { nameOf } from './people.js';

/** What every screen reads: the node, who is logged in, their keys, the conversations. */
export const state = {
  node: null,
  me: null,
  identity: null,
  conversations: [],
  open: null,
  onSessionEnded: () => undefined
};

let titleBase = 'OpenRed';
let titleUnread = 0;

/** The tab's title: what is on screen, after the count of unread messages elsewhere, so a background tab tells. */
export function setTitle(base = titleBase, unread = titleUnread) {
  titleBase = base;
  titleUnread = unread;
  document.title = (unread > 0 ? `(${unread}) ` : '') + base;
}

/** h('button', {class: 'primary', onclick}, 'Send'): an element with attributes, handlers and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A short word that goes by itself; three at most on screen, the oldest leaving first. */
export function toast(message) {
  const box = document.getElementById('toasts');
  const item = h('div', { class: 'toast' }, message);
  box.append(item);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => item.remove(), 5_000);
}

/** A sentence a person can act on, for any failure a screen may meet. */
export function explain(error) {
  if (error instanceof ApiError || error instanceof E2eeError || error instanceof SessionEnded) return error.message;
  const text = String(error?.message ?? error ?? 'the app failed');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Runs a user action: a finished session leads to the login screen, anything else is said. */
export async function attempt(action, onError = toast) {
  try {
    return await action();
  } catch (e) {
    if (e instanceof SessionEnded) state.onSessionEnded();
    else onError(explain(e));
    return undefined;
  }
}

export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { day: 'numeric', month: 'short' }) + ' ' + date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** user@domain ids from free text (commas, spaces, new lines); a bare name is a user of this node. */
export function parseUserIds(textValue, domain) {
  return [...new Set(textValue.split(/[\s,;]+/).map(s => s.trim().toLowerCase()).filter(Boolean)
    .map(id => id.includes('@') ? id : `${id}@${domain}`))];
}

export function conversationTitle(conversation) {
  if (conversation.ended) return 'Ended conversation';
  const others = conversation.participants.filter(p => p !== state.me.userId);
  return others.length ? others.map(p => nameOf(p, state.node.domain)).join(', ') : 'Only you';
}

export function focusHeading(container) {
  const heading = container.querySelector('h1, h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}
