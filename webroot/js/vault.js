// Where a user's private keys live in this browser (IndexedDB), never in the clear:
//  - identities: the key pairs wrapped under a key derived from the password (PBKDF2-SHA256,
//    AES-256-GCM); the same wrapped form is the backup file the user downloads and restores.
//  - unlocked: while logged in, the private keys as non-extractable CryptoKeys, so a reload does
//    not ask for the password again and no script can read the key bytes out; removed at logout.
'use strict';

import { b64u, E2eeError, exportIdentity, importIdentity } from './e2ee.js';

const subtle = globalThis.crypto.subtle;
const text = new TextEncoder();
const DATABASE = 'openred';
const BACKUP_FORMAT = 'openred-key-backup';
// OWASP's 2023 figure for PBKDF2-HMAC-SHA256: the password is all that protects a stolen backup.
const PBKDF2_ITERATIONS = 600_000;

function open() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(DATABASE, 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore('identities', { keyPath: 'userId' });
      opening.result.createObjectStore('unlocked', { keyPath: 'userId' });
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(new E2eeError('storage', 'this browser does not let OpenRed keep keys (private window?)'));
  });
}

async function transact(store, mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const result = action(tx.objectStore(store));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('aborted'));
    });
  } finally {
    db.close();
  }
}

async function passwordKey(password, salt, iterations) {
  const material = await subtle.importKey('raw', text.encode(password), 'PBKDF2', false, ['deriveKey']);
  return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

function backupAad(userId) {
  return text.encode(`${BACKUP_FORMAT}|1|${userId}`);
}

/** The identity sealed under the password: the stored record and the backup file's content. */
export async function seal(identity, userId, password) {
  const exported = await exportIdentity(identity);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const key = await passwordKey(password, salt, PBKDF2_ITERATIONS);
  const secret = text.encode(JSON.stringify({ sigPrivate: exported.sigPrivate, dhPrivate: exported.dhPrivate }));
  const ciphertext = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: backupAad(userId) }, key, secret));
  return {
    format: BACKUP_FORMAT, version: 1, userId, sig: exported.sig, dh: exported.dh,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_ITERATIONS, salt: b64u.encode(salt) },
    nonce: b64u.encode(nonce), ciphertext: b64u.encode(ciphertext), created: new Date().toISOString()
  };
}

/** Opens a sealed identity with the password; says plainly when the file or the password is wrong. */
export async function unseal(sealed, userId, password) {
  if (!sealed || sealed.format !== BACKUP_FORMAT || sealed.version !== 1 || sealed.kdf?.name !== 'PBKDF2') {
    throw new E2eeError('malformed', 'this file is not an OpenRed key backup');
  }
  if (sealed.userId !== userId) {
    throw new E2eeError('wrong-user', `this backup holds the keys of ${sealed.userId}, not of ${userId}`);
  }
  const iterations = sealed.kdf.iterations;
  if (!Number.isInteger(iterations) || iterations < 100_000 || iterations > 10_000_000) {
    throw new E2eeError('malformed', 'this key backup has an unusable iteration count');
  }
  const key = await passwordKey(password, b64u.decode(sealed.kdf.salt, 16), iterations);
  let secret;
  try {
    secret = JSON.parse(new TextDecoder().decode(await subtle.decrypt(
      { name: 'AES-GCM', iv: b64u.decode(sealed.nonce, 12), additionalData: backupAad(userId) }, key, b64u.decode(sealed.ciphertext))));
  } catch (e) {
    throw new E2eeError('wrong-password', 'the password does not open these keys');
  }
  return importIdentity({ ...secret, sig: sealed.sig, dh: sealed.dh });
}

export function storedIdentity(userId) {
  return transact('identities', 'readonly', store => store.get(userId));
}

/** The sealed keys of a deleted account leave this browser. */
export function forgetIdentity(userId) {
  return transact('identities', 'readwrite', store => store.delete(userId));
}

export function storeIdentity(sealed) {
  return transact('identities', 'readwrite', store => store.put(sealed));
}

/** Keeps the unlocked keys for this login as CryptoKeys that cannot be exported. */
export async function keepUnlocked(identity, userId) {
  const stored = await exportIdentity(identity);
  const locked = await importIdentity(stored, false);
  await transact('unlocked', 'readwrite', store => store.put({ userId, identity: locked }));
  return locked;
}

export async function unlocked(userId) {
  const record = await transact('unlocked', 'readonly', store => store.get(userId));
  return record?.identity ?? null;
}

export function forgetUnlocked(userId) {
  return transact('unlocked', 'readwrite', store => store.delete(userId));
}
