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
// email changed and sees Mismatch, and saves a screenshot of each state. It
// ends with `browser: N passed, M failed`.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts the demo on a free port; resolves with its origin, read from its first line. */
function startDemo() {
  const child = spawn(binary, ['demo', '--addr', '127.0.0.1:0'], {
    env: { ...process.env, USERHASH_SECRET: SECRET, RUST_BACKTRACE: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const output = [];
  const origin = new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      output.push(line);
      const m = /^userhash demo: listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the demo exited (${code}) before printing its address`)));
    setTimeout(() => reject(new Error('the demo printed no address within 10 s')), 10000);
  });
  return { child, origin, output };
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
  const port = await freePort();
  const driver = spawn(CHROMEDRIVER, [`--port=${port}`], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const wd = webdriver(base);
  const sources = [];
  try {
    const origin = await demo.origin;
    console.log(`demo at ${origin}`);
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

    await check('no page and no line the demo printed shows the secret', async () => {
      expect(sources.length >= 4, `only ${sources.length} pages seen`);
      for (const text of [...sources, ...demo.output]) expect(!text.includes(SECRET), 'the secret is shown');
    });
  } catch (e) {
    results.push(false);
    console.log(`FAIL - setup: ${e.message}`);
  } finally {
    await wd.stop();
    driver.kill();
    demo.child.kill();
  }
  const passed = results.filter(Boolean).length;
  const failed = results.length - passed;
  console.log(`screenshots in ${shots}`);
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
