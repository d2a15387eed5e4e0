// The demo (SPEC §7) in a real browser: headless Chromium, driven by
// chromedriver over the W3C WebDriver protocol with Node's own fetch (no npm
// package). Run by `cargo xtask test browser`, which installs Debian's
// `chromium` and `chromium-driver` when missing and builds the binary.
//
//   node tests/browser/demo.mjs <path to the userhash binary> <screenshot dir>
//
// It starts `userhash demo --addr 127.0.0.1:0` and reads the address it
// prints, loads the customer page and sees "verified as …" inside the widget
// frame, loads the same widget URL again and sees Replayed, loads it with the
// email changed and sees Mismatch, loads the customer page as localhost (the
// widget frame must load there too), and saves a screenshot of each state. It
// ends with `browser: N passed, M failed`.
//
// Every wait has a time limit, and the demo, chromedriver and Chromium are
// stopped however the run ends (a failed check, an exception, SIGINT or
// SIGTERM): chromedriver runs in its own process group, which is killed
// whole, because Chromium outlives a chromedriver that is merely terminated.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const [binary, shots] = process.argv.slice(2);
if (!binary || !shots) {
  console.error('usage: node tests/browser/demo.mjs <userhash binary> <screenshot dir>');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMEDRIVER = process.env.CHROMEDRIVER || '/usr/bin/chromedriver';
// A known secret, so the test can check that no page ever shows it.
const SECRET = 'browser-test-secret-5d1f0c3b9a7e2468';
const EMAIL = 'alice+support@example.com';
// The W3C WebDriver web element identifier.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value or `ms` pass. */
async function waitFor(what, probe, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * Spawns a program and resolves with the first match of `pattern` in its
 * stdout's lines (all of which are kept in `output`); rejects if it exits or
 * prints no match within 10 s. The promise is handled at once, so an early
 * exit cannot end the script as an unhandled rejection before cleanup.
 */
function startAndRead(what, command, args, options, pattern) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
  const output = [];
  let timer;
  const found = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const m = pattern.exec(line);
      if (m) resolve(m[1]);
    });
    child.once('error', (e) => reject(new Error(`${what} did not start: ${e.message}`)));
    child.once('exit', (code, signal) => reject(new Error(`${what} exited (${code ?? signal}) before it was ready`)));
    timer = setTimeout(() => reject(new Error(`${what} was not ready within 10 s`)), 10000);
  }).finally(() => clearTimeout(timer));
  found.catch(() => {});
  return { child, found, output };
}

/** The demo on a free port; `found` is its origin, read from its first line. */
const startDemo = () =>
  startAndRead(
    'the demo',
    binary,
    ['demo', '--addr', '127.0.0.1:0'],
    { env: { ...process.env, USERHASH_SECRET: SECRET, RUST_BACKTRACE: '0' } },
    /^userhash demo: listening on (http:\/\/\S+)$/,
  );

/**
 * chromedriver on a port it picks itself (no race for a free one); `found`
 * is that port. Its own process group, so that Chromium goes with it.
 */
const startDriver = () =>
  startAndRead('chromedriver', CHROMEDRIVER, ['--port=0'], { detached: true }, /started successfully on port (\d+)/);

/** SIGKILL to a process group, or to the process alone; gone already is fine. */
function killGroup(child, group) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(group ? -child.pid : child.pid, 'SIGKILL');
  } catch {
    // It ended between the check and the kill.
  }
}

/** A WebDriver session on chromedriver at `base`. */
function webdriver(base) {
  let session = '';
  async function call(method, path, body) {
    const url = path.startsWith('/session/') || path === '/session' ? base + path : `${base}/session/${session}${path}`;
    const res = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A hung chromedriver or page load fails the run instead of stalling it.
      signal: AbortSignal.timeout(60000),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${json.value?.error}: ${json.value?.message?.split('\n')[0]}`);
    return json.value;
  }
  return {
    async start() {
      const value = await call('POST', '/session', {
        capabilities: {
          alwaysMatch: {
            browserName: 'chrome',
            'goog:chromeOptions': {
              binary: CHROMIUM,
              args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1000,1000'],
            },
          },
        },
      });
      session = value.sessionId;
    },
    stop: () => (session ? call('DELETE', `/session/${session}`).catch(() => {}) : Promise.resolve()),
    go: (url) => call('POST', '/url', { url }),
    title: () => call('GET', '/title'),
    source: () => call('GET', '/source'),
    find: async (css) => (await call('POST', '/element', { using: 'css selector', value: css }))[ELEMENT],
    text: (el) => call('GET', `/element/${el}/text`),
    attribute: (el, name) => call('GET', `/element/${el}/attribute/${name}`),
    frame: (el) => call('POST', '/frame', { id: { [ELEMENT]: el } }),
    parentFrame: () => call('POST', '/frame/parent', {}),
    resize: (width, height) => call('POST', '/window/rect', { width, height }),
    screenshot: async (file) => writeFileSync(file, Buffer.from(await call('GET', '/screenshot'), 'base64')),
  };
}

async function main() {
  mkdirSync(shots, { recursive: true });
  const results = [];
  const check = async (name, body) => {
    try {
      await body();
      results.push(true);
      console.log(`ok - ${name}`);
    } catch (e) {
      results.push(false);
      console.log(`FAIL - ${name}: ${e.message}`);
    }
  };
  const expect = (ok, message) => {
    if (!ok) throw new Error(message);
  };

  const demo = startDemo();
  const driver = startDriver();
  let wd;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    if (wd) await wd.stop(); // Chromium quits with its session ...
    killGroup(driver.child, true); // ... or goes with chromedriver's group.
    killGroup(demo.child, false);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.log(`browser: stopped by ${signal}`);
      killGroup(driver.child, true);
      killGroup(demo.child, false);
      process.exit(1);
    });
  }
  const sources = [];
  try {
    const origin = await demo.found;
    console.log(`demo at ${origin}`);
    const base = `http://127.0.0.1:${await driver.found}`;
    wd = webdriver(base);
    await waitFor('chromedriver', async () => (await (await fetch(`${base}/status`)).json()).value?.ready);
    await wd.start();
    let widgetUrl = '';

    await check('the customer page embeds the widget, which shows "verified as …"', async () => {
      await wd.go(`${origin}/`);
      expect((await wd.title()).includes('Acme Cloud'), `title: ${await wd.title()}`);
      sources.push(await wd.source());
      const frame = await wd.find('iframe#widget');
      widgetUrl = await wd.attribute(frame, 'src');
      expect(widgetUrl.startsWith(`${origin}/widget?`), `iframe src: ${widgetUrl}`);
      await wd.frame(frame);
      const status = await waitFor('the widget frame', async () => {
        const text = await wd.text(await wd.find('#status'));
        return text.includes('verified as') ? text : '';
      });
      expect(status.includes(`verified as ${EMAIL}`), `widget says: ${status}`);
      sources.push(await wd.source());
      await wd.parentFrame();
      await wd.screenshot(join(shots, '1-customer-verified.png'));
    });

    await check('the same widget URL again shows Replayed', async () => {
      expect(widgetUrl, 'no widget URL from the customer page');
      await wd.resize(820, 420); // the widget alone: a smaller window, a tighter screenshot
      await wd.go(widgetUrl);
      const variant = await waitFor('#variant', async () => wd.text(await wd.find('#variant')));
      expect(variant === 'Replayed', `widget says: ${variant}`);
      const message = await wd.text(await wd.find('#message'));
      expect(message.includes('already used'), `message: ${message}`);
      sources.push(await wd.source());
      await wd.screenshot(join(shots, '2-widget-replayed.png'));
    });

    await check('the widget URL with the email changed shows Mismatch', async () => {
      expect(widgetUrl, 'no widget URL from the customer page');
      const tampered = new URL(widgetUrl);
      tampered.searchParams.set('email', 'mallory@example.com');
      await wd.go(tampered.href);
      const variant = await waitFor('#variant', async () => wd.text(await wd.find('#variant')));
      expect(variant === 'Mismatch', `widget says: ${variant}`);
      sources.push(await wd.source());
      await wd.screenshot(join(shots, '3-widget-mismatch.png'));
    });

    await check('the customer page as localhost loads its widget too (its own origin)', async () => {
      await wd.resize(1000, 1000);
      const local = origin.replace('://127.0.0.1:', '://localhost:');
      await wd.go(`${local}/`);
      const frame = await wd.find('iframe#widget');
      const src = await wd.attribute(frame, 'src');
      expect(src.startsWith(`${local}/widget?`), `iframe src: ${src}`);
      await wd.frame(frame);
      const status = await waitFor('the widget frame', async () => wd.text(await wd.find('#status')));
      expect(status.includes(`verified as ${EMAIL}`), `widget says: ${status}`);
      sources.push(await wd.source());
      await wd.parentFrame();
    });

    await check('no page and no line the demo printed shows the secret', async () => {
      expect(sources.length >= 5, `only ${sources.length} pages seen`);
      for (const text of [...sources, ...demo.output]) expect(!text.includes(SECRET), 'the secret is shown');
    });
  } catch (e) {
    results.push(false);
    console.log(`FAIL - setup: ${e.message}`);
  } finally {
    await cleanup();
  }
  const passed = results.filter(Boolean).length;
  const failed = results.length - passed;
  console.log(`screenshots in ${shots}`);
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
