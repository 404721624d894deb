import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from 'fastify-ws-gateway';
import { buildChatApp } from '../../samples/chat/app';
import { EchoGateway } from '../../samples/echo/echo.gateway';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';

/** Opens a chat connection and takes its first frame: the chat sample's gateway resumes
 * sessions, so that is a new session's `$session`. */
async function openChat(url: string): Promise<TestClient> {
  const client = await TestClient.open(url);
  await expect(client.next()).resolves.toMatchObject({
    event: '$session',
    data: { resumed: false },
  });
  return client;
}

describe('samples', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  it('echo: answers echo and whoami', async () => {
    app = Fastify();
    await bootstrap(app, [EchoGateway]);
    const client = await TestClient.open(`${await listen(app)}/echo`);
    await expect(client.request('echo', { hi: 1 }, 1)).resolves.toEqual({
      event: 'echo',
      data: { hi: 1 },
      id: 1,
    });
    await expect(client.request('whoami', null, 2)).resolves.toMatchObject({
      data: { id: expect.any(String) },
    });
    await client.close();
  });

  it('chat: joined, said and left reach the room; say is validated and acknowledged', async () => {
    app = await buildChatApp();
    const base = await listen(app);
    const ada = await openChat(`${base}/chat/lobby?name=ada`);
    await expect(ada.next()).resolves.toEqual({
      event: 'joined',
      data: { user: 'ada', members: 1, users: ['ada'] },
    });
    const bob = await openChat(`${base}/chat/lobby?name=bob`);
    const elsewhere = await openChat(`${base}/chat/other`);
    await expect(ada.next()).resolves.toEqual({
      event: 'joined',
      data: { user: 'bob', members: 2, users: ['ada', 'bob'] },
    });
    await expect(bob.next()).resolves.toEqual({
      event: 'joined',
      data: { user: 'bob', members: 2, users: ['ada', 'bob'] },
    });
    await expect(bob.request('say', { text: 'hi' }, 1)).resolves.toEqual({
      event: 'say',
      data: { ok: true },
      id: 1,
    });
    for (const client of [ada, bob]) {
      const said = await client.next((frame) => frame.event === 'said');
      expect(said.data).toEqual({
        id: expect.any(String),
        user: 'bob',
        text: 'hi',
        at: expect.any(String),
      });
      expect(new Date(said.data.at).toISOString()).toBe(said.data.at);
    }
    await expect(bob.request('say', { text: '' }, 2)).resolves.toMatchObject({
      event: 'error',
      data: { code: 'validation_failed', details: [{ path: 'text' }] },
    });
    await expect(bob.request('shout', {}, 3)).resolves.toMatchObject({
      data: { code: 'unknown_event' },
      id: 3,
    });
    await bob.close();
    await expect(ada.next()).resolves.toEqual({
      event: 'left',
      data: { user: 'bob', members: 1, users: ['ada'] },
    });
    await expect(elsewhere.next()).resolves.toMatchObject({
      event: 'joined',
      data: { members: 1 },
    });
    expect(elsewhere.unread).toEqual([]);
    await Promise.all([ada.close(), elsewhere.close()]);
  });

  it('chat: history gives a page whose session is new the lines after the last it has', async () => {
    app = await buildChatApp();
    const base = await listen(app);
    const ada = await openChat(`${base}/chat/lobby?name=ada`);
    for (const [id, text] of ['one', 'two', 'three'].entries()) {
      await expect(ada.request('say', { text }, id + 1)).resolves.toMatchObject({ id: id + 1 });
    }
    const all = await ada.request('history', {}, 4);
    expect(all.data.lines.map((line: { text: string }) => line.text)).toEqual([
      'one',
      'two',
      'three',
    ]);
    const since = await ada.request('history', { since: all.data.lines[0].id }, 5);
    expect(since.data.lines).toEqual(all.data.lines.slice(1));
    // An id from before a restart is unknown: every kept line.
    const unknown = await ada.request('history', { since: 'gone.1' }, 6);
    expect(unknown.data.lines).toEqual(all.data.lines);
    await ada.close();
  });

  it('chat: records metrics and serves them at /metrics', async () => {
    app = await buildChatApp();
    const base = await listen(app);
    const ada = await openChat(`${base}/chat/lobby?name=ada`);
    await ada.next();
    await ada.request('say', { text: 'hi' }, 1);
    await ada.request('say', { text: '' }, 2);
    const response = await app.inject({ url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('fwg_connections{gateway="ChatGateway"} 1');
    expect(response.body).toContain(
      'fwg_messages_total{gateway="ChatGateway",event="say",outcome="ok"} 1',
    );
    expect(response.body).toContain(
      'fwg_messages_total{gateway="ChatGateway",event="say",outcome="validation_failed"} 1',
    );
    expect(response.body).toContain('process_cpu_seconds_total');
    await ada.close();
  });

  it('chat: refuses a bad name before the upgrade and names guests', async () => {
    app = await buildChatApp();
    const base = await listen(app);
    await expect(TestClient.open(`${base}/chat/lobby?name=`)).rejects.toThrow(
      'Unexpected server response: 400',
    );
    const guest = await openChat(`${base}/chat/lobby`);
    await expect(guest.next()).resolves.toMatchObject({
      data: { user: expect.stringMatching(/^guest-/) },
    });
    await guest.close();
  });

  it('chat: serves the page and the browser client, or a clear 404 without a build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-'));
    const script = join(dir, 'browser.js');
    writeFileSync(script, 'window.x = 1;');
    app = await buildChatApp({ clientScript: script });
    const page = await app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<html');
    const client = await app.inject('/client.js');
    expect(client.headers['content-type']).toContain('javascript');
    expect(client.body).toBe('window.x = 1;');
    await app.close();

    app = await buildChatApp({ clientScript: join(dir, 'missing.js') });
    const missing = await app.inject('/client.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('npm run build');
  });
});
