/**
 * End to end in headless Chromium: the chat page served by the chat sample, two people in one
 * room, a refused message, a server restart, and no line lost when the network drops or the
 * server restarts. Skipped with a notice where Chromium is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildChatApp } from '../../samples/chat/app';
import { connect } from '../../src/client';
import type { WsClient } from '../../src/client/ws-client';
import { CHROMIUM_PATH, hasChromium } from '../support/system';
import { TcpProxy } from '../support/tcp-proxy';
import { deferred, within } from '../support/waiting';

const root = resolve(__dirname, '../..');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

if (!hasChromium()) {
  console.warn(
    `test/browser/chat.test.ts skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`,
  );
}
const describeWithChromium = hasChromium() ? describe : describe.skip;

describeWithChromium('chat page in Chromium', () => {
  jest.setTimeout(60_000);
  let bundleDir: string;
  let clientScript: string;
  let app: FastifyInstance;
  let port: number;
  let browser: Browser;
  const pageErrors: Error[] = [];

  async function startServer(listenPort: number): Promise<void> {
    app = await buildChatApp({ clientScript });
    await app.listen({ host: '127.0.0.1', port: listenPort });
    port = (app.server.address() as AddressInfo).port;
  }

  async function openChat(name: string, room: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.fill('#name', name);
    await page.fill('#room', room);
    await page.click('#join-button');
    await waitForStatus(page, 'open');
    return page;
  }

  function waitForStatus(page: Page, state: string): Promise<unknown> {
    return page.waitForSelector(`#status[data-state="${state}"]`);
  }

  async function send(page: Page, text: string): Promise<void> {
    await page.fill('#text', text);
    await page.click('#send');
  }

  /** Texts of the message list, in order. */
  function lines(page: Page): Promise<string[]> {
    return page.$$eval('#messages li', (items) => items.map((item) => item.textContent ?? ''));
  }

  beforeAll(async () => {
    // Bundled here so the test never depends on an earlier `npm run build`.
    bundleDir = mkdtempSync(join(tmpdir(), 'fwg-browser-'));
    clientScript = join(bundleDir, 'client.js');
    execFileSync(process.execPath, [
      join(root, 'scripts/build-client.mjs'),
      '--outfile',
      clientScript,
    ]);
    await startServer(0);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(bundleDir, { recursive: true, force: true });
  });

  test('two people in one room talk, an empty message is refused, the page survives a restart', async () => {
    const ada = await openChat('ada', 'lobby');
    const grace = await openChat('grace', 'lobby');
    await ada.waitForSelector('#messages li.notice:has-text("grace joined")');

    await send(ada, 'Hello Grace!');
    await grace.waitForSelector('#messages li.message:has-text("Hello Grace!")');
    await send(grace, 'Hi Ada, the socket works.');
    await ada.waitForSelector('#messages li.message:has-text("the socket works")');
    expect(await ada.inputValue('#text')).toBe('');
    expect((await lines(grace)).filter((line) => line.includes('Hello Grace!'))).toEqual([
      expect.stringContaining('ada'),
    ]);

    await send(ada, '');
    await ada.waitForFunction(() => document.getElementById('say-error')?.textContent !== '');
    expect(await ada.textContent('#say-error')).toMatch(/text/);
    expect(await ada.getAttribute('#text', 'aria-invalid')).toBe('true');

    await send(grace, 'x'.repeat(501));
    await grace.waitForFunction(() => document.getElementById('say-error')?.textContent !== '');
    expect(await grace.textContent('#say-error')).toMatch(/text/);

    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    await ada.screenshot({ path: join(root, 'test-artifacts/chat.png'), fullPage: true });

    // Restart on the same port: both pages reconnect on their own and keep talking.
    const samePort = port;
    await app.close();
    await Promise.all([waitForStatus(ada, 'reconnecting'), waitForStatus(grace, 'reconnecting')]);
    await startServer(samePort);
    await Promise.all([waitForStatus(ada, 'open'), waitForStatus(grace, 'open')]);
    await send(grace, 'Back after the restart');
    await ada.waitForSelector('#messages li.message:has-text("Back after the restart")');

    expect(pageErrors).toEqual([]);
  });

  /** The texts of the page's chat lines, in order (notices and failures left out). */
  function said(page: Page): Promise<string[]> {
    return page.$$eval('#messages li.message', (items) =>
      items.map((item) => item.childNodes[1]?.textContent ?? ''),
    );
  }

  /** Waits until the page shows the line `text` and is not fetching history any more. */
  async function waitForLine(page: Page, text: string): Promise<void> {
    await page.waitForFunction(
      (wanted) =>
        document.querySelector('#messages[data-catching-up]') === null &&
        [...document.querySelectorAll('#messages li.message')].some(
          (item) => item.childNodes[1]?.textContent === wanted,
        ),
      text,
    );
  }

  /** A Node client of the chat (not behind the proxy) and what it says. */
  function speaker(room: string): { client: WsClient; session: () => Promise<boolean> } {
    const client = connect(`ws://127.0.0.1:${port}/chat/${room}?name=grace`, {
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    let next = deferred<boolean>();
    client.on('$session', ({ resumed }) => {
      next.resolve(resumed);
    });
    return {
      client,
      session: async () => {
        const resumed = await within(next.promise, 20_000, 'grace: $session');
        next = deferred<boolean>();
        return resumed;
      },
    };
  }

  test('no line is lost when the network drops (resume) or the server restarts (history)', async () => {
    const proxy = await TcpProxy.start(port);
    const grace = speaker('resume');
    try {
      expect(await grace.session()).toBe(false);
      const say = (text: string) => grace.client.request('say', { text });
      // Ada's page, HTTP and WebSocket, goes through the proxy: the proxy is her network.
      const ada = await browser.newPage();
      ada.on('pageerror', (error) => pageErrors.push(error));
      await ada.goto(`http://127.0.0.1:${proxy.port}/?name=ada&room=resume`);
      await ada.click('#join-button');
      await ada.waitForSelector('#status[data-state="open"][data-resumed="false"]');
      await say('before the drop');
      await waitForLine(ada, 'before the drop');

      // The network drops: no close frame, the server keeps Ada's session and her lines.
      proxy.refuse = true;
      await proxy.cut();
      await waitForStatus(ada, 'reconnecting');
      for (const text of ['away 1', 'away 2', 'away 3']) await say(text);
      proxy.refuse = false;
      await ada.waitForSelector('#status[data-state="open"][data-resumed="true"]');
      await say('after the drop');
      await waitForLine(ada, 'after the drop');
      const afterDrop = ['before the drop', 'away 1', 'away 2', 'away 3', 'after the drop'];
      expect(await said(ada)).toEqual(afterDrop);

      // The server restarts: its sessions are gone. Ada stays off the network until Grace,
      // back on the new server, has said more, so those lines reach Ada only through history.
      proxy.refuse = true;
      const samePort = port;
      await app.close();
      await waitForStatus(ada, 'reconnecting');
      await startServer(samePort);
      expect(await grace.session()).toBe(false);
      for (const text of ['restarted 1', 'restarted 2']) await say(text);
      proxy.refuse = false;
      await ada.waitForSelector('#status[data-state="open"][data-resumed="false"]');
      await say('after the restart');
      await waitForLine(ada, 'after the restart');
      expect(await said(ada)).toEqual([
        ...afterDrop,
        'restarted 1',
        'restarted 2',
        'after the restart',
      ]);
      expect(pageErrors).toEqual([]);
    } finally {
      await grace.client.close();
      await proxy.close();
    }
  });

  test('leaving closes the connection and the others see it', async () => {
    const ada = await openChat('ada', 'garden');
    const grace = await openChat('grace', 'garden');
    await ada.waitForSelector('#messages li.notice:has-text("grace joined")');
    await grace.click('#leave');
    await ada.waitForSelector('#messages li.notice:has-text("grace left")');
    expect(await grace.isVisible('#join')).toBe(true);
    expect(await ada.textContent('#members')).toBe('1 here: ada');
  });
});
