// One's own profile: the id, the key fingerprint to compare, the encrypted key backup.
'use strict';

import * as e2ee from '../e2ee.js';
import * as vault from '../vault.js';
import { attempt, focusHeading, h, replace, state, toast } from '../ui.js';
import { logOut } from '../session.js';

export async function profile(main) {
  const keys = await e2ee.publicKeys(state.identity);
  const print = await e2ee.fingerprint(keys.sig);
  replace(main, h('div', { class: 'pane' },
    h('a', { class: 'back', href: '#/' }, '← Conversations'),
    h('h2', {}, 'Your profile'),
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

