#!/usr/bin/env node
// Checks tests/vectors with Node's own crypto.createHmac, and checks that
// widget URLs are byte-identical to what URLSearchParams builds (see ../README.md).
//
//     node tests/interop/node/check.js tests/vectors
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

let passed = 0;
let failed = 0;

function check(ok, file, name, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${file}: ${name}: ${what}`);
  }
}

function sign(secret, message) {
  return crypto.createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

function load(dir, file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch (e) {
    check(false, file, '(file)', `cannot read: ${e.message}`);
    return {};
  }
}

function queryHas(url, pair) {
  const beforeFragment = url.split('#')[0];
  const q = beforeFragment.indexOf('?');
  return q >= 0 && beforeFragment.slice(q + 1).split('&').includes(pair);
}

// The same insertion rule as build_url in tests/vectors/generate.py.
function joinQuery(base, query) {
  const hash = base.indexOf('#');
  const fragment = hash >= 0 ? base.slice(hash) : '';
  const head = hash >= 0 ? base.slice(0, hash) : base;
  if (!head.includes('?')) return head + '?' + query + fragment;
  if (head.endsWith('?') || head.endsWith('&')) return head + query + fragment;
  return head + '&' + query + fragment;
}

function widgetUrl(c) {
  const params = new URLSearchParams();
  params.append('orgId', c.org_id);
  params.append('email', c.email);
  if (c.display_name !== null) params.append('name', c.display_name);
  const extra = [...c.params].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  for (const [key, value] of extra) params.append(key, value);
  params.append('timestamp', c.timestamp);
  params.append('nonce', c.nonce);
  params.append('user_hash', c.user_hash);
  return joinQuery(c.base_url, params.toString());
}

function main() {
  if (process.argv.length !== 3) {
    console.error('usage: check.js <vectors-dir>');
    process.exit(2);
  }
  const dir = process.argv[2];

  for (const c of load(dir, 'identifier.json').sign || []) {
    check(sign(c.secret, c.identifier) === c.hash, 'identifier.json', c.name, 'hash');
  }

  for (const c of load(dir, 'identity.json').sign || []) {
    const message = `${c.email}|${c.timestamp}|${c.org_id}|${c.nonce}`;
    check(message === c.message, 'identity.json', c.name, 'message');
    check(sign(c.secret, message) === c.user_hash, 'identity.json', c.name, 'user_hash');
  }

  for (const c of load(dir, 'widget_url.json').cases || []) {
    const userHash = sign(c.secret, `${c.email}|${c.timestamp}|${c.org_id}|${c.nonce}`);
    check(userHash === c.user_hash, 'widget_url.json', c.name, 'user_hash');
    check(queryHas(c.url, 'user_hash=' + userHash), 'widget_url.json', c.name, 'url has user_hash');
    check(widgetUrl(c) === c.url, 'widget_url.json', c.name, 'url equals URLSearchParams output');
  }

  console.log(`interop-node: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main();
