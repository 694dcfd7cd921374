// The web app in a real browser: Debian's Chromium, headless, driven by playwright-core, against two
// real OpenRed nodes started by WebAppBrowserTest (Java). Environment: A_URL, B_URL, A_DOMAIN,
// B_DOMAIN, SCREENSHOTS (a directory). To restart a node it prints "restart a" on standard output
// and waits for a line on standard input. Exits non-zero at the first failed expectation.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const { A_URL, B_URL, A_DOMAIN, B_DOMAIN, SCREENSHOTS } = process.env;
const PASSWORD = 'correct horse battery staple';
// A step waits this long: on this 2-core machine, loaded by the rest of the suite, a step has taken over 20 s.
const TIMEOUT = 45_000;
const BOBS_ANSWER = 'Hi Alice! Got it. <img src=x onerror="window.pwned=1">';
// A 16x16 red PNG: the picture alice chooses for her profile.
const AVATAR_PNG = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGM4IaBHEmIY1TCqYfhqAADkjwYQ4lVeFAAAAABJRU5ErkJggg==';
mkdirSync(SCREENSHOTS, { recursive: true });

const controller = createInterface({ input: process.stdin });
const answers = controller[Symbol.asyncIterator]();

async function restart(node) {
  console.log(`restart ${node}`);
  const answer = await answers.next();
  if (answer.done || answer.value.trim() !== 'restarted') throw new Error(`node ${node} did not restart: ${answer.value}`);
}

function step(text) {
  console.log(`step ${text}`);
}

function expect(condition, message) {
  if (!condition) throw new Error('expectation failed: ' + message);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-features=Translate,MediaRouter']
});

const pageErrors = [];

async function person(url, options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', error => pageErrors.push(`${url}: ${error.message}`));
  page.on('console', message => {
    if (message.type() === 'error' && /Content Security Policy/.test(message.text())) pageErrors.push(`${url}: ${message.text()}`);
  });
  await page.goto(url + '/');
  return page;
}

const AXE = readFileSync(new URL('../../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const inaccessible = [];

/**
 * A screenshot of the screen, and axe-core's check of it: serious and critical violations are
 * collected (all of them, then the script fails naming each). Evaluated through the debugger
 * protocol, so the page's CSP needs no exception for it.
 */
async function shot(page, name, { phone = false } = {}) {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: false });
  await checkAccessibility(page, name);
  if (phone) {
    // The same screen at a phone's width, then back: what a phone shows is the one pane open.
    const desktop = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-phone.png`, fullPage: false });
    await checkAccessibility(page, name + '-phone');
    await page.setViewportSize(desktop);
  }
}

async function checkAccessibility(page, name) {
  if (!await page.evaluate(() => typeof window.axe !== 'undefined')) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary ?? '').replace(/\s+/g, ' ')).join(' | ')}`));
  violations.forEach(v => inaccessible.push(`${name}: ${v}`));
}

/** Signs up; the recovery-file step that follows is put off ("Not now") unless the caller looks at it. */
async function signUp(page, username, { skipBackup = true } = {}) {
  await page.getByRole('tab', { name: 'Sign up' }).click();
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.fill('#password-again', PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForSelector('#live-state.live');
  await page.locator('h2', { hasText: 'Save your recovery file' }).waitFor();
  if (skipBackup) await page.click('#skip-recovery');
}

/** By keyboard alone, as someone without a mouse would: type, Tab, type, Enter. */
async function logIn(page, username, password = PASSWORD) {
  await page.getByLabel('Username').fill('');
  await page.getByLabel('Username').focus();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement.id) === 'password', 'Tab leads from the username to the password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

async function startConversation(page, people) {
  await page.getByRole('link', { name: '+ New conversation' }).click();
  await page.fill('#people', people);
  await page.getByRole('button', { name: 'Start conversation' }).click();
  await page.waitForSelector('#composer');
  return decodeURIComponent(new URL(page.url()).hash.slice(4));
}

/**
 * The message whose text is exactly this: a substring match would take "Page filler 3" for
 * "Page filler 30" once the time after it starts with 0 ("Page filler 3" + "06:37").
 */
function message(page, text, kind = '') {
  const exactly = new RegExp('^' + text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$');
  return page.locator('.msg' + kind).filter({ has: page.locator('.text', { hasText: exactly }) });
}

async function send(page, text) {
  await page.fill('#composer', text);
  await page.keyboard.press('Enter');
  await message(page, text, '.mine').locator('.state', { hasText: /On your server|Delivered/ }).waitFor();
}

async function sees(page, text) {
  await message(page, text).waitFor();
}

async function openFromList(page, conversationId) {
  await page.locator(`[data-conversation="${conversationId}"]`).click();
  await page.waitForSelector('#composer, .closed');
}

try {
  step('sign-up screen; alice signs up on A');
  const alice = await person(A_URL);
  await alice.waitForSelector('#username');
  await alice.getByRole('tab', { name: 'Sign up' }).click();
  await alice.getByRole('button', { name: 'Create account' }).click();
  await alice.locator('#auth-error', { hasText: 'Enter a username.' }).filter({ hasText: 'Enter a password.' }).waitFor();
  expect(await alice.evaluate(() => document.activeElement.id) === 'username', 'the first field at fault has the focus');
  await shot(alice, '01-sign-up');
  await signUp(alice, 'alice', { skipBackup: false });
  expect(await alice.locator('.backup-step', { hasText: 'cannot read your old messages' }).count() === 1, 'it says why the file matters');
  await shot(alice, '01b-recovery-file');
  await alice.click('#skip-recovery');

  step('bob signs up on B; a wrong password is refused with a clear error, the right one lets him in');
  const bob = await person(B_URL);
  await signUp(bob, 'bob');
  await bob.click('#logout');
  await bob.waitForSelector('#username');
  await logIn(bob, 'bob', 'not his password at all');
  await bob.waitForSelector('#auth-error:has-text("wrong username or password")');
  await shot(bob, '02-wrong-password');
  await logIn(bob, 'bob');
  await bob.waitForSelector('#live-state.live');

  step('a conversation with somebody who does not exist is refused with the reason');
  await alice.getByRole('link', { name: '+ New conversation' }).click();
  await alice.fill('#people', `nobody@${B_DOMAIN}`);
  await alice.getByRole('button', { name: 'Start conversation' }).click();
  await alice.locator('.error', { hasText: `nobody@${B_DOMAIN}` }).waitFor();

  step('alice starts a conversation with bob@B (another node) and writes; it arrives live and decrypts');
  const conversation = await startConversation(alice, `bob@${B_DOMAIN}`);
  await send(alice, 'Hello Bob, this is end-to-end encrypted.');
  const bobsEntry = bob.locator(`[data-conversation="${conversation}"]`);
  await bobsEntry.locator('.unread', { hasText: '1' }).waitFor();
  expect((await bob.title()).startsWith('(1) '), 'the tab title counts the unread message: ' + await bob.title());
  await shot(bob, '03-conversation-list-unread');
  await openFromList(bob, conversation);
  await sees(bob, 'Hello Bob, this is end-to-end encrypted.');
  await message(alice, 'Hello Bob, this is end-to-end encrypted.', '.mine').locator('.state', { hasText: `✓✓ Delivered to ${B_DOMAIN}` }).waitFor();

  step('bob answers, with markup that must stay text; it appears on alice\'s open page without a reload');
  await send(bob, BOBS_ANSWER);
  await sees(alice, BOBS_ANSWER);
  expect(await alice.locator('.msg img').count() === 0 && await alice.evaluate(() => window.pwned) === undefined, 'markup is shown, never run');
  await shot(alice, '04-conversation', { phone: true });

  step('fingerprints: what bob sees for alice is what alice\'s profile says');
  await bob.getByRole('button', { name: /People/ }).click();
  const aliceId = `alice@${A_DOMAIN}`;
  const seenByBob = bob.getByLabel(`Key fingerprint of ${aliceId}`);
  await seenByBob.filter({ hasText: /^[0-9a-f]{4} / }).waitFor();
  await alice.getByRole('link', { name: 'Profile', exact: true }).click();
  const ownPrint = await alice.locator('#my-fingerprint').textContent();
  expect(ownPrint === await seenByBob.textContent(), `alice's fingerprint ${ownPrint} as bob sees it`);
  await shot(alice, '05-profile', { phone: true });

  step('alice downloads her encrypted key backup');
  const [download] = await Promise.all([alice.waitForEvent('download'), alice.click('#download-backup')]);
  const backupPath = `${SCREENSHOTS}/alice-key-backup.json`;
  await download.saveAs(backupPath);
  await alice.locator('#backup-saved', { hasText: 'Last saved from this browser' }).waitFor();
  const backup = JSON.parse(readFileSync(backupPath, 'utf8'));
  expect(backup.format === 'openred-key-backup' && backup.userId === aliceId && !JSON.stringify(backup).includes('sigPrivate'),
    'the backup is sealed: no private key in the clear');

  step('alice edits her profile: a name, a bio, a picture shown before it is saved');
  await alice.fill('#display-name', 'Alice Liddell');
  await alice.fill('#bio', 'Curiouser and curiouser. https://example.org/rabbit-hole');
  const avatarPath = `${SCREENSHOTS}/avatar.png`;
  writeFileSync(avatarPath, Buffer.from(AVATAR_PNG, 'base64'));
  await alice.setInputFiles('#avatar-file', avatarPath);
  await alice.locator('#avatar-preview img[alt*="not saved yet"]').waitFor();
  await alice.click('#save-profile');
  await alice.locator('.toast', { hasText: 'Profile saved.' }).waitFor();
  await alice.locator('#avatar-preview .avatar img').waitFor();
  await shot(alice, '05b-profile-edited');

  step('bob finds alice by her full id, sees her name and face, and asks to be friends');
  await bob.fill('#search', aliceId);
  await bob.keyboard.press('Enter');
  await bob.locator('.results .person', { hasText: 'Alice Liddell' }).click();
  await bob.locator('h2', { hasText: 'Alice Liddell' }).waitFor();
  await bob.locator('.profile-head .avatar img').waitFor();
  await bob.getByRole('button', { name: 'Add friend' }).click();
  await bob.locator('#relationship', { hasText: 'Friend request sent' }).waitFor();
  await shot(bob, '05c-someone-profile', { phone: true });

  step('alice hears of it live, and accepts under People');
  await alice.locator('.toast', { hasText: `bob@${B_DOMAIN} wants to be your friend.` }).waitFor();
  await alice.locator('#notifications-unread').waitFor();
  await alice.getByRole('link', { name: 'People', exact: true }).click();
  const request = alice.locator('#people-incoming li', { hasText: `bob@${B_DOMAIN}` });
  await request.getByRole('button', { name: 'Accept' }).click();
  await alice.locator('#people-friends li', { hasText: `bob@${B_DOMAIN}` }).waitFor();
  await shot(alice, '05d-people', { phone: true });
  await bob.locator('.toast', { hasText: 'You and Alice Liddell are now friends.' }).waitFor();

  step('alice posts to her friends; it reaches bob\'s open feed live, with its link made safe');
  await bob.getByRole('link', { name: 'Feed', exact: true }).click();
  await bob.locator('#post-text').waitFor();
  await alice.getByRole('link', { name: 'Feed', exact: true }).click();
  await alice.fill('#post-text', 'Tea party at https://example.org/tea today. javascript:alert(1) is not a link.');
  expect(await alice.inputValue('#post-visibility') === 'friends', 'friends unless chosen otherwise');
  await alice.getByRole('button', { name: 'Post', exact: true }).click();
  const alicesPost = alice.locator('.post', { hasText: 'Tea party' });
  await alicesPost.waitFor();
  const bobsCopy = bob.locator('.post', { hasText: 'Tea party' });
  await bobsCopy.waitFor();
  expect(await bobsCopy.locator('.person.name').textContent() === 'Alice Liddell', 'the author by name');
  const link = bobsCopy.locator('.post-text a');
  expect(await link.count() === 1 && await link.getAttribute('href') === 'https://example.org/tea'
    && await link.getAttribute('rel') === 'noopener noreferrer', 'one link, the https one, without opener or referrer');
  await shot(bob, '05e-feed', { phone: true });

  step('bob likes and replies; alice sees both on her post');
  await bobsCopy.getByRole('button', { name: 'Like' }).click();
  await bobsCopy.getByRole('button', { name: 'Liked' }).waitFor();
  await bobsCopy.getByLabel(/Reply to/).fill('Count me in!');
  await bobsCopy.getByRole('button', { name: 'Reply' }).click();
  await alicesPost.locator('.reply', { hasText: 'Count me in!' }).waitFor();
  await alicesPost.locator('.count', { hasText: '1 like' }).waitFor();

  step('alice edits her post, then a second one is deleted');
  await alicesPost.getByRole('button', { name: 'Edit' }).click();
  await alice.getByLabel('Edit your post').fill('Tea party moved to tomorrow.');
  await alice.getByRole('button', { name: 'Save' }).click();
  await alice.locator('.post', { hasText: 'Tea party moved to tomorrow.' }).locator('.meta', { hasText: 'edited' }).waitFor();
  await alice.fill('#post-text', 'A post to take back.');
  await alice.getByRole('button', { name: 'Post', exact: true }).click();
  alice.once('dialog', dialog => dialog.accept());
  await alice.locator('.post', { hasText: 'A post to take back.' }).getByRole('button', { name: 'Delete' }).click();
  await alice.locator('.post', { hasText: 'A post to take back.' }).waitFor({ state: 'detached' });
  expect(await bob.locator(`[data-conversation="${conversation}"] .title`).textContent() === 'Alice Liddell', 'the conversation list names alice');

  step('notifications: alice reads what bob did; a message while her tab is in the background reaches her through the browser');
  await alice.click('#notifications-link');
  for (const said of [`bob@${B_DOMAIN} wants to be your friend.`, `bob@${B_DOMAIN} liked your post.`, `bob@${B_DOMAIN} replied to your post.`]) {
    await alice.locator('#notifications li', { hasText: said }).waitFor();
  }
  await alice.locator('#notifications-unread').waitFor({ state: 'detached' });
  // Asked when she chooses: the button, then the browser's question (answered yes here).
  await alice.getByRole('button', { name: 'Turn on browser notifications' }).waitFor();
  await alice.context().grantPermissions(['notifications'], { origin: A_URL });
  await alice.getByRole('button', { name: 'Turn on browser notifications' }).click();
  await alice.locator('#browser-notifications', { hasText: 'Your browser tells you' }).waitFor();
  await shot(alice, '05f-notifications', { phone: true });
  await alice.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true });
    window.shownNotifications = [];
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.shownNotifications.push(options.body);
      }
    };
  });
  await openFromList(bob, conversation);
  await send(bob, 'Are you there, Alice?');
  await alice.waitForFunction(() => window.shownNotifications.some(body => /new message/.test(body)));
  await alice.evaluate(() => { delete document.visibilityState; });

  step('a message that does not verify says why instead of vanishing');
  await openFromList(bob, conversation);
  await alice.evaluate(async ({ conversationId, senderId }) => {
    const session = JSON.parse(localStorage.getItem('openred.session'));
    const messageId = 'forged-' + crypto.randomUUID();
    const b64 = n => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(n)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const payload = { nonce: b64(12), ciphertext: b64(40), signature: b64(64),
      associatedData: { conversationId, senderId, keyVersion: 1, messageId, sentAt: new Date().toISOString() } };
    const response = await fetch(`/api/v1/conversations/${conversationId}/messages`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + session.access }, body: JSON.stringify({ messageId, payload }) });
    if (response.status !== 201) throw new Error('forged message refused by the node: ' + response.status);
  }, { conversationId: conversation, senderId: aliceId });
  await bob.locator('.msg.undecryptable', { hasText: 'Cannot verify' }).waitFor();
  await shot(bob, '06-undecryptable');

  step('a group: carol joins; bob is removed and stops receiving');
  const carol = await person(A_URL);
  await signUp(carol, 'carol');
  await alice.locator(`[data-conversation="${conversation}"]`).click();
  await alice.getByRole('button', { name: /People/ }).click();
  await alice.fill('#add-participant', `carol@${A_DOMAIN}`);
  await alice.getByRole('button', { name: 'Add', exact: true }).click();
  await alice.getByRole('button', { name: `Remove carol@${A_DOMAIN}` }).waitFor();
  await carol.locator(`[data-conversation="${conversation}"]`).waitFor();
  await openFromList(carol, conversation);
  await sees(carol, BOBS_ANSWER);
  alice.once('dialog', dialog => dialog.accept());
  await alice.getByRole('button', { name: `Remove bob@${B_DOMAIN}` }).click();
  await alice.getByRole('button', { name: `Remove bob@${B_DOMAIN}` }).waitFor({ state: 'detached' });
  await bob.locator('.closed', { hasText: 'ended for you when Alice Liddell removed you' }).waitFor();
  await bob.locator(`[data-conversation="${conversation}"] .title`, { hasText: 'Ended conversation' }).waitFor();
  await alice.locator('.messages .event', { hasText: 'carol was added by you' }).waitFor();
  await alice.locator('.messages .event', { hasText: `bob@${B_DOMAIN} was removed by you` }).waitFor();
  await carol.locator('.messages .event', { hasText: 'You were added by Alice Liddell' }).waitFor();
  await send(alice, 'Only for Alice and Carol now.');
  await sees(carol, 'Only for Alice and Carol now.');
  await send(carol, 'Carol here, reading you.');
  await sees(alice, 'Carol here, reading you.');
  await bob.waitForTimeout(1_500);
  expect(await message(bob, 'Only for Alice and Carol now.').count() === 0, 'bob no longer receives');
  expect(await bob.locator('#composer').count() === 0, 'bob can no longer write');
  await shot(bob, '07-removed');

  step('a revoked access token is refreshed without the user noticing');
  await alice.evaluate(() => {
    const session = JSON.parse(localStorage.getItem('openred.session'));
    localStorage.setItem('openred.session', JSON.stringify({ ...session, access: 'not.a.token' }));
  });
  await send(alice, 'Sent with a refreshed token.');
  await sees(carol, 'Sent with a refreshed token.');
  const toasts = await alice.locator('.toast').allTextContents();
  expect(!toasts.some(t => /token|session|log in|fail/i.test(t)) && await alice.locator('.msg.failed').count() === 0,
    'no error was shown: ' + toasts.join(' / '));

  step('a message that cannot reach the node shows "failed" with Retry, and Retry delivers it once');
  await carol.context().setOffline(true);
  await carol.fill('#composer', 'Written while offline.');
  await carol.keyboard.press('Enter');
  await message(carol, 'Written while offline.', '.failed').getByRole('button', { name: 'Retry' }).waitFor();
  await shot(carol, '08-send-failed');
  await carol.context().setOffline(false);
  await message(carol, 'Written while offline.', '.failed').getByRole('button', { name: 'Retry' }).click();
  await message(carol, 'Written while offline.', '.mine').locator('.state', { hasText: /Delivered/ }).waitFor();
  await sees(alice, 'Written while offline.');
  expect(await message(alice, 'Written while offline.').count() === 1, 'delivered exactly once');

  step('node A restarts: the pages reconnect by themselves and fetch what they missed');
  await restart('a');
  await alice.locator('#live-state.live').waitFor({ timeout: 30_000 });
  await carol.locator('#live-state.live').waitFor({ timeout: 30_000 });
  await send(carol, 'Still here after the restart.');
  await sees(alice, 'Still here after the restart.');

  step('an expired session leads to the login screen with the draft kept, and back');
  await alice.evaluate(() => {
    const session = JSON.parse(localStorage.getItem('openred.session'));
    localStorage.setItem('openred.session', JSON.stringify({ ...session, access: 'expired', refresh: 'expired', expiresAt: 0 }));
  });
  await alice.fill('#composer', 'A draft worth keeping');
  await alice.keyboard.press('Enter');
  await alice.locator('.notice', { hasText: 'session has ended' }).waitFor();
  await shot(alice, '09-session-ended');
  await logIn(alice, 'alice');
  await alice.waitForSelector('#composer');
  expect(await alice.inputValue('#composer') === 'A draft worth keeping', 'the draft is back in the composer');
  expect(new URL(alice.url()).hash === '#/c/' + conversation, 'back in the same conversation');

  step('enough messages for the history to come in pages');
  for (let i = 1; i <= 30; i++) await send(alice, `Page filler ${i}`);

  step('the backup restores alice\'s keys in another browser, which reads the history');
  const elsewhere = await person(A_URL, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await logIn(elsewhere, 'alice');
  await elsewhere.waitForSelector('#backup-file');
  await shot(elsewhere, '10-restore-keys');
  await elsewhere.setInputFiles('#backup-file', backupPath);
  await elsewhere.getByRole('button', { name: 'Restore keys' }).click();
  await elsewhere.waitForSelector('#live-state.live');
  await shot(elsewhere, '10b-phone-feed');
  await elsewhere.getByRole('link', { name: 'Chats', exact: true }).click();
  await openFromList(elsewhere, conversation);
  await sees(elsewhere, 'Page filler 30');
  expect(await message(elsewhere, 'Hello Bob, this is end-to-end encrypted.').count() === 0, 'only the newest page is loaded at first');
  await elsewhere.locator('#timeline').evaluate(timeline => { timeline.scrollTop = 0; });
  await sees(elsewhere, 'Still here after the restart.');
  await shot(elsewhere, '11-phone-conversation');
  for (let i = 0; i < 5 && await message(elsewhere, 'Hello Bob, this is end-to-end encrypted.').count() === 0; i++) {
    await elsewhere.locator('#timeline').evaluate(timeline => { timeline.scrollTop = 0; });
    await elsewhere.waitForTimeout(300);
  }
  await sees(elsewhere, 'Hello Bob, this is end-to-end encrypted.');

  step('carol makes new keys in a new browser; alice is warned that they changed');
  const carolElsewhere = await person(A_URL);
  await logIn(carolElsewhere, 'carol');
  carolElsewhere.once('dialog', dialog => dialog.accept());
  await carolElsewhere.getByRole('button', { name: 'Make new keys' }).click();
  await carolElsewhere.waitForSelector('#live-state.live');
  await alice.reload();
  await alice.waitForSelector('#composer');
  await alice.locator('#key-notice', { hasText: `carol@${A_DOMAIN}` }).waitFor();
  await alice.getByRole('button', { name: /People/ }).click();
  await alice.getByRole('button', { name: 'I compared them: trust' }).click();
  await alice.locator('#key-notice').filter({ hasText: /changed/ }).waitFor({ state: 'hidden' });

  step('bob changes his password: errors said together at their fields, his other session ended, his keys open with the new one');
  const bobElsewhere = await person(B_URL);
  await logIn(bobElsewhere, 'bob');
  await bobElsewhere.waitForSelector('#backup-file');
  const elsewhereToken = await bobElsewhere.evaluate(() => JSON.parse(localStorage.getItem('openred.session')).access);
  await bob.getByRole('link', { name: 'Profile', exact: true }).click();
  await bob.fill('#new-password', 'short');
  await bob.getByRole('button', { name: 'Change password' }).click();
  await bob.locator('#password-error', { hasText: 'Enter your password now.' }).filter({ hasText: 'at least 8 characters' }).waitFor();
  expect(await bob.evaluate(() => document.activeElement.id) === 'current-password', 'the first field at fault has the focus');
  await bob.fill('#current-password', 'not his password');
  await bob.fill('#new-password', 'a brand new passphrase');
  await bob.fill('#new-password-again', 'a brand new passphrase');
  await bob.getByRole('button', { name: 'Change password' }).click();
  await bob.locator('#password-error', { hasText: 'current password is not that' }).waitFor();
  await bob.fill('#current-password', PASSWORD);
  await bob.getByRole('button', { name: 'Change password' }).click();
  await bob.locator('.toast', { hasText: '1 other session signed out' }).waitFor();
  const refused = await bobElsewhere.evaluate(async token => (await fetch('/api/v1/auth/me', { headers: { Authorization: 'Bearer ' + token } })).status, elsewhereToken);
  expect(refused === 401, 'the other session\'s token is refused: ' + refused);
  await shot(bob, '13-account');
  await bob.click('#logout');
  await logIn(bob, 'bob', 'a brand new passphrase');
  await bob.waitForSelector('#live-state.live');
  expect(await bob.locator('#backup-file').count() === 0, 'his keys opened with the new password, no restore asked');

  step('bob signs out everywhere: back at the login screen, told why');
  await bob.getByRole('link', { name: 'Profile', exact: true }).click();
  bob.once('dialog', dialog => dialog.accept());
  await bob.click('#logout-everywhere');
  await bob.locator('.notice', { hasText: 'signed out everywhere' }).waitFor();

  step('dora signs up, then deletes her account: her password asked, the login screen says it is done');
  await bob.getByRole('tab', { name: 'Sign up' }).click();
  await signUp(bob, 'dora');
  await bob.getByRole('link', { name: 'Profile', exact: true }).click();
  await bob.click('#delete-account');
  await bob.locator('#delete-error', { hasText: 'Enter your password' }).waitFor();
  await bob.fill('#delete-password', PASSWORD);
  bob.once('dialog', dialog => dialog.accept());
  await bob.click('#delete-account');
  await bob.locator('.notice', { hasText: 'Your account is deleted.' }).waitFor();
  await logIn(bob, 'dora');
  await bob.waitForSelector('#auth-error:has-text("wrong username or password")');

  step('installable and offline: a manifest; without a network the app opens and says so; only its own files are cached');
  const manifest = await alice.evaluate(async () => (await fetch('/manifest.json')).json());
  expect(manifest.start_url === '/' && manifest.display === 'standalone' && manifest.icons.length > 0, 'an installable manifest');
  await alice.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await alice.context().setOffline(true);
  await alice.reload();
  await alice.locator('#offline', { hasText: 'You are offline' }).waitFor();
  await shot(alice, '12-offline');
  const cached = await alice.evaluate(async () => {
    const paths = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
  expect(cached.includes('/index.html') && cached.every(path => /^\/(index\.html|manifest\.json|[\w-]+\.svg|css\/.*|js\/.*|webjars\/.*)?$/.test(path)),
    'only the app\'s own files are cached: ' + cached.join(', '));
  await alice.context().setOffline(false);
  await alice.locator('#live-state.live').waitFor();

  expect(pageErrors.length === 0, 'no script errors in the pages: ' + pageErrors.join('; '));
  expect(inaccessible.length === 0, 'axe-core finds no serious or critical violation:\n  ' + inaccessible.join('\n  '));
  console.log('done');
} catch (e) {
  console.error(e.stack ?? e);
  for (const context of browser.contexts()) {
    for (const [i, page] of context.pages().entries()) {
      const timeline = await page.locator('.msg').evaluateAll(items => items.map(m => `${m.id} ${m.dataset.state} ${m.innerText.replace(/\s+/g, ' ')}`))
        .catch(() => []);
      console.error(`page ${browser.contexts().indexOf(context)}-${i} at ${page.url()}:\n  ${timeline.join('\n  ')}`);
      await page.screenshot({ path: `${SCREENSHOTS}/failure-${browser.contexts().indexOf(context)}-${i}.png` }).catch(() => undefined);
    }
  }
  process.exitCode = 1;
} finally {
  await browser.close();
  controller.close();
}
