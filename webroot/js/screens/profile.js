// One's own profile: name, bio, face (shown before it is sent), whether followers need approval; the
// key fingerprint to compare; the encrypted key backup.
'use strict';

import * as api from '../api.js';
import * as e2ee from '../e2ee.js';
import * as vault from '../vault.js';
import { avatar, forget } from '../people.js';
import { attempt, focusHeading, h, replace, state, toast } from '../ui.js';
import { accountDeleted, logOut, logOutEverywhere } from '../session.js';

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
    h('p', {}, 'Your private keys live only in this browser. Download the backup, locked with your password, to use OpenRed in another browser: without it, a new browser cannot read your old messages.'),
    h('p', { class: 'hint', id: 'backup-saved' }, backupSavedText()),
    h('div', { class: 'actions' },
      h('button', { id: 'download-backup', onclick: () => attempt(async () => {
        await downloadBackup();
        replace(main.querySelector('#backup-saved'), backupSavedText());
      }) }, 'Download encrypted key backup')),
    h('h3', {}, 'Account'),
    passwordForm(),
    h('div', { class: 'actions' },
      h('button', { id: 'logout-everywhere', onclick: () => attempt(logOutEverywhere) }, 'Sign out everywhere'),
      h('button', { class: 'danger', onclick: () => attempt(logOut) }, 'Log out')),
    deletionForm()));
  focusHeading(main);
}

/** Deleting the account: the password again, a plain question, then gone (its friends' nodes are told). */
function deletionForm() {
  const password = h('input', { type: 'password', id: 'delete-password', autocomplete: 'current-password' });
  const error = h('p', { class: 'error', role: 'alert', id: 'delete-error' });
  return h('form', {
    class: 'password-form danger-zone', 'aria-labelledby': 'delete-title', novalidate: true, onsubmit: async event => {
      event.preventDefault();
      error.textContent = '';
      if (!password.value) {
        error.textContent = 'Enter your password to delete your account.';
        password.focus();
        return;
      }
      if (!confirm(`Delete ${state.me.userId} for good? Your profile, posts, friendships and follows go, your friends' nodes are told, and this name can never be used again.`)) return;
      await attempt(async () => {
        await api.call('DELETE', '/account', { password: password.value });
        await accountDeleted();
      }, message => {
        error.textContent = message;
        password.focus();
      });
    }
  },
  h('h4', { id: 'delete-title' }, 'Delete your account'),
  h('p', { class: 'hint' }, 'Your profile, posts, friendships, follows and notifications are deleted from this node, and the nodes of your friends and followers are told. Messages you sent stay with the people you sent them to.'),
  h('label', { for: 'delete-password' }, 'Your password'), password,
  error,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger', id: 'delete-account' }, 'Delete my account')));
}

function backupSavedText() {
  const saved = backupSavedAt(state.me.userId);
  return saved ? `Last saved from this browser: ${new Date(saved).toLocaleString()}.` : 'Not saved from this browser yet.';
}

/** Changing the password: the node's, then the keys in this browser sealed again under the new one. */
function passwordForm() {
  const current = h('input', { type: 'password', id: 'current-password', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', id: 'new-password', autocomplete: 'new-password', minlength: 8 });
  const again = h('input', { type: 'password', id: 'new-password-again', autocomplete: 'new-password' });
  const error = h('p', { class: 'error', role: 'alert', id: 'password-error' });
  return h('form', {
    class: 'password-form', 'aria-labelledby': 'password-title', novalidate: true, onsubmit: async event => {
      event.preventDefault();
      error.textContent = '';
      const problems = [];
      if (!current.value) problems.push([current, 'Enter your password now.']);
      if (next.value.length < 8) problems.push([next, 'A new password has at least 8 characters.']);
      else if (next.value !== again.value) problems.push([again, 'The two new passwords differ.']);
      if (problems.length) {
        replace(error, problems.map(([, text]) => h('span', { class: 'line' }, text)));
        problems[0][0].focus();
        return;
      }
      await attempt(async () => {
        const answer = await api.call('POST', '/auth/password', { current: current.value, password: next.value });
        const sealed = await vault.storedIdentity(state.me.userId);
        if (sealed) {
          const identity = await vault.unseal(sealed, state.me.userId, current.value);
          await vault.storeIdentity(await vault.seal(identity, state.me.userId, next.value));
        }
        forgetBackupSaved(state.me.userId);
        event.target.reset();
        toast(`Password changed${answer.signedOut ? `; ${answer.signedOut} other session${answer.signedOut === 1 ? '' : 's'} signed out` : ''}. Download a new key backup: the old file opens with the old password only.`);
        const saved = document.getElementById('backup-saved');
        if (saved) replace(saved, backupSavedText());
      }, message => {
        error.textContent = message;
        current.focus();
      });
    }
  },
  h('h4', { id: 'password-title' }, 'Change password'),
  h('label', { for: 'current-password' }, 'Password now'), current,
  h('label', { for: 'new-password' }, 'New password'), next,
  h('p', { class: 'hint' }, 'At least 8 characters. Your other sessions are signed out; this one goes on.'),
  h('label', { for: 'new-password-again' }, 'New password, again'), again,
  error,
  h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'change-password' }, 'Change password')));
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
  markBackupSaved(state.me.userId);
  toast('Backup saved. Keep it somewhere safe: with your password, it opens your conversations.');
}

/** When the backup was last downloaded from this browser (kept in this browser only). */
export function backupSavedAt(userId) {
  return localStorage.getItem(`openred.backup-saved.${userId}`);
}

function markBackupSaved(userId) {
  localStorage.setItem(`openred.backup-saved.${userId}`, new Date().toISOString());
}

function forgetBackupSaved(userId) {
  localStorage.removeItem(`openred.backup-saved.${userId}`);
}

/** The step right after sign-up: the recovery file, and plainly why. */
export function backupStep(main) {
  replace(main, h('div', { class: 'pane backup-step' },
    h('h2', {}, 'Save your recovery file'),
    h('p', {}, 'Your messages are encrypted with keys made in this browser, and they never leave it unlocked. ',
      h('strong', {}, 'Without this file, a new browser (or this one after its data is cleared) cannot read your old messages.')),
    h('p', {}, 'The file is locked with your password. Keep it somewhere safe, apart from this device.'),
    h('div', { class: 'actions' },
      h('button', { class: 'primary', id: 'save-recovery', onclick: () => attempt(async () => {
        await downloadBackup();
        location.hash = '#/';
      }) }, 'Download recovery file'),
      h('a', { href: '#/', class: 'button', id: 'skip-recovery' }, 'Not now'))));
  focusHeading(main);
}
