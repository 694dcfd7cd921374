// The user's keys are published but not in this browser: restore the backup, or make new ones.
'use strict';

import * as api from '../api.js';
import * as e2ee from '../e2ee.js';
import * as vault from '../vault.js';
import { attempt, h, replace } from '../ui.js';
import { finishKeys, flow, makeKeys, publishedKeys } from '../session.js';

const root = document.getElementById('app');

/** The user's keys are published but not in this browser: restore the backup, or start over. */
export function keysScreen(me, password) {
  const error = h('p', { class: 'error', role: 'alert' });
  const file = h('input', { type: 'file', id: 'backup-file', accept: 'application/json,.json' });
  const backupPassword = h('input', { type: 'password', id: 'backup-password', autocomplete: 'off' });
  replace(root, h('main', { class: 'auth', id: 'main' }, h('div', { class: 'card' },
    h('h1', { class: 'brand' }, 'Your keys are not in this browser'),
    h('p', {}, `${me.userId} has encryption keys, made in another browser. Restore them from your key backup to read your conversations here.`),
    h('form', {
      onsubmit: async event => {
        event.preventDefault();
        error.textContent = '';
        if (!file.files[0]) {
          error.textContent = 'Choose your backup file (openred-keys-….json).';
          return;
        }
        await attempt(async () => {
          let sealed;
          try {
            sealed = JSON.parse(await file.files[0].text());
          } catch (e) {
            throw new e2ee.E2eeError('malformed', 'this file is not an OpenRed key backup');
          }
          const identity = await vault.unseal(sealed, me.userId, backupPassword.value || password);
          const published = await publishedKeys(me.userId);
          if (published?.sig !== sealed.sig || published?.dh !== sealed.dh) {
            throw new Error('this backup holds older keys than the ones your node publishes');
          }
          await vault.storeIdentity(await vault.seal(identity, me.userId, password));
          await finishKeys(me, identity);
        }, message => { error.textContent = message; });
      }
    },
    h('label', { for: 'backup-file' }, 'Key backup file'), file,
    h('label', { for: 'backup-password' }, 'Password of the backup'), backupPassword,
    h('p', { class: 'hint' }, 'Leave it empty if it is the password you just logged in with.'),
    error,
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, 'Restore keys'))),
    h('hr'),
    h('p', {}, 'No backup? You can make new keys. Messages sent to your old keys stay unreadable, and your contacts will see a new fingerprint.'),
    h('div', { class: 'actions' },
      h('button', { class: 'danger', onclick: () => attempt(async () => {
        if (!confirm('Make new keys? Older messages can no longer be read with them.')) return;
        await finishKeys(me, await makeKeys(me, password, true));
      }, message => { error.textContent = message; }) }, 'Make new keys'),
      h('button', { class: 'link', onclick: async () => { await api.logout(); flow.route(); } }, 'Log out')))));
}

