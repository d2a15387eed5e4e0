// Checks tests/vectors/jwt.json with jose (see ../../README.md).
//
//   npm ci --prefix tests/interop/node/jwt
//   node tests/interop/node/jwt/check.mjs tests/vectors           # check
//   node tests/interop/node/jwt/check.mjs tests/vectors --print   # jose's tokens, for jwt_vectors.py
//
// - jose verifies every token userhash writes, its algorithm pinned to the
//   case's and its clock set to the case's time, and reads back the same
//   header and claims; a changed signature byte or another algorithm is refused.
// - jose signs each library case and must make the pinned `jose` token.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SignJWT, importPKCS8, importSPKI, jwtVerify } from 'jose';

let passed = 0;
let failed = 0;
function check(ok, name, what) {
  if (ok) {
    passed += 1;
  } else {
    failed += 1;
    console.log(`FAIL jwt.json: ${name}: ${what}`);
  }
}

const v = JSON.parse(readFileSync(join(process.argv[2], 'jwt.json'), 'utf8'));

async function verifyKey(alg, key) {
  if (alg === 'HS256') return new TextEncoder().encode(key.hs256);
  return importSPKI(v.keys.ed25519_public_pem, 'EdDSA');
}

async function joseSign(c) {
  const key = c.alg === 'HS256' ? new TextEncoder().encode(c.key.hs256) : await importPKCS8(c.key.private_pem, 'EdDSA');
  return new SignJWT(c.claims).setProtectedHeader({ alg: c.alg, ...c.header, typ: 'JWT' }).sign(key);
}

function flipSignatureByte(token) {
  const dot = token.lastIndexOf('.');
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  sig[0] ^= 1;
  return token.slice(0, dot + 1) + sig.toString('base64url');
}

if (process.argv.includes('--print')) {
  const out = {};
  for (const c of v.library) out[c.name] = await joseSign(c);
  console.log(JSON.stringify(out, null, 1));
  process.exit(0);
}

for (const c of v.sign) {
  const key = await verifyKey(c.alg, c.key);
  const options = { algorithms: [c.alg], currentDate: new Date(c.now_ms + 1000) };
  try {
    const { payload, protectedHeader } = await jwtVerify(c.token, key, options);
    check(isDeepStrictEqual(payload, JSON.parse(c.payload_json)), c.name, `jose read claims ${JSON.stringify(payload)}`);
    check(isDeepStrictEqual(protectedHeader, JSON.parse(c.header_json)), c.name, 'header differs');
  } catch (e) {
    check(false, c.name, `jose refused userhash's token: ${e}`);
  }
  for (const [token, opts, what] of [
    [flipSignatureByte(c.token), options, 'a changed signature'],
    [c.token, { ...options, algorithms: [c.alg === 'HS256' ? 'EdDSA' : 'HS256'] }, 'another algorithm'],
    [c.token, { ...options, currentDate: new Date((JSON.parse(c.payload_json).exp + 1) * 1000) }, 'an expired token'],
  ]) {
    try {
      await jwtVerify(token, key, opts);
      check(false, c.name, `jose accepted ${what}`);
    } catch {
      check(true, c.name, '');
    }
  }
}

for (const c of v.library) {
  const made = await joseSign(c);
  check(made === c.tokens.jose, c.name, `jose made ${made}, the vectors pin ${c.tokens.jose}`);
}

console.log(`interop-jose: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
