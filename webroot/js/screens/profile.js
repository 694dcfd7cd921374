// One's own profile: name, bio, face (shown before it is sent), whether followers need approval; the
// key fingerprint to compare; the encrypted key backup.
'use strict';

import * as api from '../api.js';
import * as e2ee from '../e2ee.js';
import * as vault from '../vault.js';
import { avatar, forget } from '../people.js';
import { attempt, focusHeading, h, replace, state, toast } from '../ui.js';
import { logOut } from '../session.js';

const AVATAR_MAX = 1024 * 1024;

export async function profile(main) {
  const [mine, keys] = await Promise.all([api.call('GET', '/profile'), e2ee.publicKeys(state.identity)]);
  const print = await e2ee.fingerprint(keys.sig);
  replace(main, h('div', { class: 'pane' },
    h('a', { class: 'back', href: '#/' }, '← Feed'),
    h('h2', {}, 'Your profile'),
    editor(mine),
    h('h3', {}, 'Your keys'),
    h('dl', {},
      h('dt', {}, 'Your id'), h('dd', { class: 'mono', id: 'my-id' }, state.me.userId),
      h('dt', {}, 'Your key fingerprint'), h('dd', {}, h('span', { class: 'fingerprint mono', id: 'my-fingerprint' }, print))),
    h('p', { class: 'hint' }, 'Compare this fingerprint with the one your contacts see next to your name under "People" in a conversation, in person or on a call. If they match, nobody stands in between.'),
    h('h3', {}, 'Key backup'),
    h('p', {}, 'Your private keys live only in this browser. Download the backup, locked with your password, to use OpenRed in another browser.'),
    h('div', { class: 'actions' },
      h('button', { id: 'download-backup', onclick: () => attempt(downloadBackup) }, 'Download encrypted key backup'),
      h('button', { class: 'danger', onclick: () => attempt(logOut) }, 'Log out'))));
  focusHeading(main);
}

function editor(mine) {
  const name = h('input', { type: 'text', id: 'display-name', maxlength: 64, value: mine.displayName ?? '', autocomplete: 'name' });
  const bio = h('textarea', { id: 'bio', rows: 3, maxlength: 1000 }, mine.bio ?? '');
  const approve = h('input', { type: 'checkbox', id: 'approve-followers', checked: Boolean(mine.approveFollowers) });
  const face = h('div', { class: 'avatar-preview', id: 'avatar-preview' }, avatar(state.me.userId, 'large'));
  const picker = h('input', { type: 'file', id: 'avatar-file', accept: 'image/png,image/jpeg', hidden: true });
  const error = h('p', { class: 'error', role: 'alert', id: 'profile-error' });
  let chosen = null;
  picker.addEventListener('change', () => {
    error.textContent = '';
    const file = picker.files[0];
    if (!file) return;
    if (file.type !== 'image/png' && file.type !== 'image/jpeg') {
      error.textContent = 'Choose a PNG or JPEG picture.';
      return;
    }
    if (file.size > AVATAR_MAX) {
      error.textContent = 'That picture is over 1 MiB: choose a smaller one.';
      return;
    }
    chosen = file;
    // Shown before anything is sent, so the person sees what their friends will see.
    replace(face, h('img', { src: URL.createObjectURL(file), alt: 'Your new picture, not saved yet', class: 'avatar large' }),
      h('span', { class: 'hint' }, 'Not saved yet'));
  });
  return h('form', {
    class: 'profile-editor', onsubmit: async event => {
      event.preventDefault();
      error.textContent = '';
      const button = event.target.querySelector('button[type=submit]');
      button.disabled = true;
      await attempt(async () => {
        await api.call('PUT', '/profile', { displayName: name.value, bio: bio.value, approveFollowers: approve.checked });
        if (chosen) {
          await api.upload('PUT', '/profile/avatar', chosen, chosen.type);
          chosen = null;
        }
        forget(state.me.userId);
        replace(face, avatar(state.me.userId, 'large'));
        toast('Profile saved.');
      }, message => {
        error.textContent = message;
        name.focus();
      });
      button.disabled = false;
    }
  },
  h('div', { class: 'avatar-row' }, face,
    h('div', {},
      h('button', { type: 'button', id: 'choose-avatar', onclick: () => picker.click() }, 'Choose a picture'),
      picker,
      h('p', { class: 'hint' }, 'PNG or JPEG, up to 1 MiB. Your node redraws it at 256 pixels.'))),
  h('label', { for: 'display-name' }, 'Display name'), name,
  h('p', { class: 'hint' }, 'How people see you; your id stays ' + state.me.userId + '.'),
  h('label', { for: 'bio' }, 'About you'), bio,
  h('label', { class: 'check' }, approve, ' Ask me before someone follows me'),
  error,
  h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit', id: 'save-profile' }, 'Save profile')));
}

async function downloadBackup() {
  const sealed = await vault.storedIdentity(state.me.userId);
  if (!sealed) throw new Error('no key backup is kept in this browser');
  const url = URL.createObjectURL(new Blob([JSON.stringify(sealed, null, 2)], { type: 'application/json' }));
  const link = h('a', { href: url, download: `openred-keys-${state.me.userId}.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  toast('Backup saved. Keep it somewhere safe: with your password, it opens your conversations.');
}
