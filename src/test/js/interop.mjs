// Interop harness for the Java test: runs webroot/js/e2ee.js under Node's WebCrypto.
//   node interop.mjs make  < {javaUserId, javaDh}      -> {identity, userId, toJava: {conversationId, keyVersion, wrappedKey, payload}}
//   node interop.mjs read  < {identity, userId, conversationId, keyVersion, wrappedKey, payload, javaSig} -> {plaintext}
import * as e2ee from '../../../webroot/js/e2ee.js';

const input = JSON.parse(await new Promise(resolve => {
  let data = '';
  process.stdin.on('data', chunk => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));

if (process.argv[2] === 'make') {
  const identity = await e2ee.generateIdentity();
  const userId = 'browser@a.test';
  const conversationId = 'interop';
  const sessionKey = e2ee.newSessionKey();
  const wrappedKey = await e2ee.wrapSessionKey(sessionKey, conversationId, 1, input.javaUserId, input.javaDh);
  const payload = await e2ee.encryptMessage(identity, sessionKey, {
    conversationId, senderId: userId, keyVersion: 1, messageId: 'from-browser', sentAt: new Date().toISOString()
  }, 'héllo from the browser ✓');
  console.log(JSON.stringify({ identity: await e2ee.exportIdentity(identity), userId, publicKeys: await e2ee.publicKeys(identity),
    toJava: { conversationId, keyVersion: 1, wrappedKey, payload } }));
} else if (process.argv[2] === 'read') {
  const identity = await e2ee.importIdentity(input.identity);
  const sessionKey = await e2ee.unwrapSessionKey(identity, input.userId, input.wrappedKey, input.conversationId, input.keyVersion);
  let outcome;
  try {
    outcome = { plaintext: await e2ee.decryptMessage(input.payload, sessionKey, input.javaSig) };
  } catch (e) {
    outcome = { error: e.code ?? 'unknown', message: e.message };
  }
  const tampered = { ...input.payload, ciphertext: input.payload.ciphertext.slice(0, -2) + (input.payload.ciphertext.endsWith('A') ? 'BB' : 'AA') };
  try {
    await e2ee.decryptMessage(tampered, sessionKey, input.javaSig);
    outcome.tampered = 'opened';
  } catch (e) {
    outcome.tampered = e.code;
  }
  console.log(JSON.stringify(outcome));
} else if (process.argv[2] === 'weak') {
  // {sig: [hex...], dh: [hex...]} -> {sig: [code...], dh: [code...]}: what the browser says of each key.
  const identity = await e2ee.generateIdentity();
  const hex = h => Uint8Array.from(h.match(/../g), b => parseInt(b, 16));
  const b64 = bytes => Buffer.from(bytes).toString('base64url');
  const payload = await e2ee.encryptMessage(identity, e2ee.newSessionKey(), {
    conversationId: 'weak', senderId: 'x@a.test', keyVersion: 1, messageId: 'w', sentAt: new Date().toISOString()
  }, 'x');
  const outcome = { sig: [], dh: [] };
  for (const key of input.sig) {
    try {
      await e2ee.decryptMessage(payload, e2ee.newSessionKey(), b64(hex(key)));
      outcome.sig.push('accepted');
    } catch (e) {
      outcome.sig.push(e.code ?? String(e));
    }
  }
  for (const key of input.dh) {
    try {
      await e2ee.wrapSessionKey(e2ee.newSessionKey(), 'weak', 1, 'x@a.test', b64(hex(key)));
      outcome.dh.push('accepted');
    } catch (e) {
      outcome.dh.push(e.code ?? String(e));
    }
  }
  console.log(JSON.stringify(outcome));
} else {
  console.error('usage: interop.mjs make|read');
  process.exit(2);
}
