// People as the app shows them: a display name and a face for every user id, read from their
// profile (local or through their node) once per page life and again when it changes (live
// profile.updated), with the full name@domain on hover.
'use strict';

import * as api from './api.js';
import { h } from './ui.js';

const profiles = new Map();
const known = new Map();
const avatars = new Map();
const readAt = new Map();
const MAX_AGE_MS = 5 * 60_000;

/**
 * A user's public profile {userId, displayName, bio, hasAvatar}, or a bare one when it cannot be read
 * (unknown, blocked, node down); read again when asked fresh (a profile screen) or once it is five
 * minutes old, since a change is told live only to friends and followers.
 */
export function profileOf(userId, fresh = false) {
  if (fresh || !profiles.has(userId) || Date.now() - (readAt.get(userId) ?? 0) > MAX_AGE_MS) {
    readAt.set(userId, Date.now());
    const lookup = api.call('GET', `/users/${encodeURIComponent(userId)}/profile`)
      .catch(() => ({ userId, displayName: null, bio: null, hasAvatar: false, unavailable: true }))
      .then(profile => {
        known.set(userId, profile);
        return profile;
      });
    profiles.set(userId, lookup);
  }
  return profiles.get(userId);
}

/** A profile the node just answered with (search results): kept as read. */
export function remember(profile) {
  known.set(profile.userId, profile);
  profiles.set(profile.userId, Promise.resolve(profile));
  readAt.set(profile.userId, Date.now());
}

/** Loads the profiles of these users (at most a few at a time), so that nameOf answers for them. */
export async function loadProfiles(userIds) {
  const ids = [...new Set(userIds)];
  for (let i = 0; i < ids.length; i += 8) {
    await Promise.all(ids.slice(i, i + 8).map(profileOf));
  }
}

/** The name to show: the display name when the profile is loaded and has one, else the user id's name part for local users, else the id. */
export function nameOf(userId, localDomain) {
  const name = known.get(userId)?.displayName;
  if (name) return name;
  const [user, domain] = userId.split('@');
  return domain === localDomain ? user : userId;
}

/** Forgets what was read of a user (their profile changed): the next look reads it again. */
export function forget(userId) {
  profiles.delete(userId);
  known.delete(userId);
}

function initials(text) {
  const words = text.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words[1]?.[0] ?? '')).toUpperCase();
}

function hue(text) {
  let sum = 0;
  for (const c of text) sum = (sum * 31 + c.codePointAt(0)) % 360;
  return sum;
}

/** A round face: the avatar image once fetched (with the token, as a blob), the initials meanwhile or without one. */
export function avatar(userId, size = 'small') {
  const face = h('span', { class: `avatar ${size}`, 'aria-hidden': 'true' }, initials(known.get(userId)?.displayName || userId));
  // Through the CSSOM: the page's CSP refuses style attributes.
  face.style.setProperty('--hue', String(hue(userId)));
  profileOf(userId).then(profile => {
    if (profile.displayName) face.textContent = initials(profile.displayName);
    if (!profile.hasAvatar) return;
    // Keyed by the profile's version: a new picture is fetched, the old one is not shown again.
    const key = `${userId} ${profile.updated_at}`;
    if (!avatars.has(key)) {
      avatars.set(key, api.blob(`/users/${encodeURIComponent(userId)}/avatar`).then(b => b ? URL.createObjectURL(b) : null).catch(() => null));
    }
    return avatars.get(key).then(url => {
      if (url) face.replaceChildren(h('img', { src: url, alt: '' }));
    });
  });
  return face;
}

/** A person as a link to their profile: face, display name, the full id on hover. */
export function personLink(userId, localDomain, { face = true } = {}) {
  return h('a', { class: 'person', href: '#/u/' + encodeURIComponent(userId), title: userId },
    face ? avatar(userId) : null, h('span', { class: 'name' }, nameOf(userId, localDomain)));
}
