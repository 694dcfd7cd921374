// End-to-end encryption of PROTOCOL.md section 7 with WebCrypto only (browsers and Node 20+).
// The server never sees a private key, a session key or a plaintext: everything here runs in the client.
'use strict';

const subtle = globalThis.crypto.subtle;
const text = new TextEncoder();

export const b64u = {
  encode(bytes) {
    let binary = '';
    for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  },
  decode(value, expectedLength) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9_-]*$/.test(value) || value.length % 4 === 1) {
      throw new E2eeError('malformed', 'not base64url');
    }
    const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((value.length + 3) % 4));
    const bytes = Uint8Array.from(binary, c => c.charCodeAt(0));
    if (expectedLength !== undefined && bytes.length !== expectedLength) {
      throw new E2eeError('malformed', `expected ${expectedLength} bytes, got ${bytes.length}`);
    }
    return bytes;
  }
};

/** An error a screen can explain: code is one of malformed, bad-signature, cannot-decrypt, no-key. */
export class E2eeError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** RFC 8785 canonical JSON: sorted keys (UTF-16 order), ECMAScript number and string forms. */
export function jcs(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new E2eeError('malformed', 'NaN and Infinity have no JSON form');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return '[' + value.map(jcs).join(',') + ']';
  return '{' + Object.keys(value).sort().map(k => JSON.stringify(k) + ':' + jcs(value[k])).join(',') + '}';
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function random(n) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** A user's identity: Ed25519 (sig) and X25519 (dh) key pairs, made and kept by the client. */
export async function generateIdentity() {
  return {
    sig: await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']),
    dh: await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])
  };
}

/** {sig, dh}: the public halves as PUT /api/v1/keys takes them. */
export async function publicKeys(identity) {
  return {
    sig: b64u.encode(await subtle.exportKey('raw', identity.sig.publicKey)),
    dh: b64u.encode(await subtle.exportKey('raw', identity.dh.publicKey))
  };
}

/** The identity as storable strings: {sigPrivate, dhPrivate (PKCS#8), sig, dh}; wrap it before storing or backing it up. */
export async function exportIdentity(identity) {
  return {
    sigPrivate: b64u.encode(await subtle.exportKey('pkcs8', identity.sig.privateKey)),
    dhPrivate: b64u.encode(await subtle.exportKey('pkcs8', identity.dh.privateKey)),
    ...(await publicKeys(identity))
  };
}

/** The identity from its stored strings; private keys that cannot be exported again unless extractable. */
export async function importIdentity(stored, extractable = true) {
  return {
    sig: {
      privateKey: await subtle.importKey('pkcs8', b64u.decode(stored.sigPrivate), { name: 'Ed25519' }, extractable, ['sign']),
      publicKey: await subtle.importKey('raw', b64u.decode(stored.sig, 32), { name: 'Ed25519' }, true, ['verify'])
    },
    dh: {
      privateKey: await subtle.importKey('pkcs8', b64u.decode(stored.dhPrivate), { name: 'X25519' }, extractable, ['deriveBits']),
      publicKey: await subtle.importKey('raw', b64u.decode(stored.dh, 32), { name: 'X25519' }, true, [])
    }
  };
}

export function newSessionKey() {
  return random(32);
}

async function hkdf(ikm, salt, info) {
  const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: text.encode(info) }, key, 256));
}

async function x25519(privateKey, publicRaw) {
  let shared;
  try {
    const peer = await subtle.importKey('raw', publicRaw, { name: 'X25519' }, false, []);
    shared = new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: peer }, privateKey, 256));
  } catch (e) {
    // Some engines refuse a small-order key themselves; the reason is the same.
    throw new E2eeError('weak-key', 'small-order X25519 public key');
  }
  if (shared.every(b => b === 0)) throw new E2eeError('weak-key', 'small-order X25519 public key');
  return shared;
}

// The y coordinates (mod p) of Ed25519's small-order points, whatever their encoding: under such a
// sender key one signature would verify for many messages.
const P25519 = (1n << 255n) - 19n;
const Y_ORDER_8 = 0x5fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n;
const SMALL_ORDER_Y = [0n, 1n, P25519 - 1n, Y_ORDER_8, P25519 - Y_ORDER_8];

export function isWeakSigningKey(raw) {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? raw[i] & 0x7f : raw[i]);
  return SMALL_ORDER_Y.includes(y % P25519);
}

async function aesGcm(mode, key, nonce, data, aad) {
  const k = await subtle.importKey('raw', key, 'AES-GCM', false, [mode]);
  const params = { name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 };
  return new Uint8Array(mode === 'encrypt' ? await subtle.encrypt(params, k, data) : await subtle.decrypt(params, k, data));
}

/** eph.pub ‖ nonce ‖ AES-256-GCM(k, nonce, sessionKey, aad = conversationId|keyVersion|userId). */
export async function wrapSessionKey(sessionKey, conversationId, keyVersion, participantId, participantDh) {
  const eph = await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits']);
  const k = await hkdf(await x25519(eph.privateKey, b64u.decode(participantDh, 32)), text.encode(conversationId), 'openred/v1/session-key');
  const nonce = random(12);
  const sealed = await aesGcm('encrypt', k, nonce, sessionKey, text.encode(`${conversationId}|${keyVersion}|${participantId}`));
  return b64u.encode(concat(new Uint8Array(await subtle.exportKey('raw', eph.publicKey)), nonce, sealed));
}

export async function unwrapSessionKey(identity, userId, encryptedSessionKey, conversationId, keyVersion) {
  const blob = b64u.decode(encryptedSessionKey, 92);
  const k = await hkdf(await x25519(identity.dh.privateKey, blob.slice(0, 32)), text.encode(conversationId), 'openred/v1/session-key');
  try {
    return await aesGcm('decrypt', k, blob.slice(32, 44), blob.slice(44), text.encode(`${conversationId}|${keyVersion}|${userId}`));
  } catch (e) {
    throw new E2eeError('no-key', 'this session key was not wrapped for this device');
  }
}

/** The message payload: {nonce, ciphertext, signature, associatedData}. */
export async function encryptMessage(identity, sessionKey, associatedData, plaintext) {
  const ad = text.encode(jcs(associatedData));
  const nonce = random(12);
  const ciphertext = await aesGcm('encrypt', sessionKey, nonce, text.encode(plaintext), ad);
  const signature = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, identity.sig.privateKey, concat(nonce, ciphertext, ad)));
  return { nonce: b64u.encode(nonce), ciphertext: b64u.encode(ciphertext), signature: b64u.encode(signature), associatedData };
}

/** Checks the sender's signature, then decrypts; throws an E2eeError that says why it could not. */
export async function decryptMessage(payload, sessionKey, senderSig) {
  const nonce = b64u.decode(payload.nonce, 12);
  const ciphertext = b64u.decode(payload.ciphertext);
  const ad = text.encode(jcs(payload.associatedData));
  const senderKey = b64u.decode(senderSig, 32);
  if (isWeakSigningKey(senderKey)) throw new E2eeError('weak-key', 'the sender\'s signing key is of small order: nothing it signs can be trusted');
  const key = await subtle.importKey('raw', senderKey, { name: 'Ed25519' }, false, ['verify']);
  if (!await subtle.verify({ name: 'Ed25519' }, key, b64u.decode(payload.signature, 64), concat(nonce, ciphertext, ad))) {
    throw new E2eeError('bad-signature', 'the signature is not the sender\'s: the message may have been forged');
  }
  try {
    return new TextDecoder().decode(await aesGcm('decrypt', sessionKey, nonce, ciphertext, ad));
  } catch (e) {
    throw new E2eeError('cannot-decrypt', 'the message does not open with this conversation key');
  }
}

/** A key fingerprint two people can compare: SHA-256 of the signing key, in groups of four hex digits. */
export async function fingerprint(sigPublic) {
  const digest = new Uint8Array(await subtle.digest('SHA-256', b64u.decode(sigPublic, 32)));
  const hex = Array.from(digest.slice(0, 16), b => b.toString(16).padStart(2, '0')).join('');
  return hex.match(/.{4}/g).join(' ');
}
