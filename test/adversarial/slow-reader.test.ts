import type { Socket } from 'node:net';
import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  OnClose,
  OnMessage,
  type Connection,
} from '../../src';
import { MiB, recordFigures, settledMemory } from './support/figures';
import { startHarness, type Harness } from './support/harness';
import { rawUpgrade } from '../support/network';
import { Tally } from './support/tally';
import { within } from '../support/waiting';

const CHUNK = 'z'.repeat(64 * 1024);
const BROADCAST_BYTES = 20 * MiB;

@Gateway('/news')
class NewsGateway {
  static server: GatewayServer | undefined;
  static readonly closes = new Tally<{ id: string; code: number }>();

  constructor(server: GatewayServer) {
    NewsGateway.server = server;
  }

  @OnMessage('whoami')
  whoami(@ConnectedSocket() conn: Connection): string {
    return conn.id;
  }

  @OnClose()
  left(@ConnectedSocket() conn: Connection, code: number): void {
    NewsGateway.closes.add({ id: conn.id, code });
  }
}

describe('a peer that stops reading', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness([NewsGateway]);
  });
  afterAll(() => harness.close());

  it('20 MB of broadcasts to paused peers: each is closed (1013) and the memory is released', async () => {
    // Two stalled peers: a ws client whose socket is paused, and a raw TCP peer that completed
    // the upgrade and never reads.
    const paused = await harness.client('/news');
    const pausedId = (await paused.request('whoami', null)).data as string;
    const raw = await rawUpgrade(harness.port, '/news', { read: false });
    const server = NewsGateway.server!;
    await within(
      (async () => {
        while (server.fetchConnections().length < 2) await new Promise((r) => setImmediate(r));
      })(),
      2_000,
      'both peers connected',
    );
    (paused.socket as unknown as { _socket: Socket })._socket.pause();

    const before = settledMemory();
    // `emit` never waits for a flush: the whole 20 MB is handed over at once.
    for (let sent = 0; sent < BROADCAST_BYTES; sent += CHUNK.length) server.emit('news', CHUNK);
    const usage = process.memoryUsage();
    const peak = usage.heapUsed + usage.arrayBuffers - before;
    expect(peak).toBeLessThan(64 * MiB);
    await NewsGateway.closes.reach(2, 5_000, 'both stalled peers closed');
    expect(server.fetchConnections()).toHaveLength(0);
    // Released: what was queued for the closed peers is garbage now.
    const growth = settledMemory() - before;
    expect(growth).toBeLessThan(16 * MiB);
    await harness.expectPolitePrompt();

    // The server sent close 1013, but it may not wait for a peer that does not read to take the
    // close frame: once the peer reads again it sees 1013, or 1006 if the socket was cut first.
    (paused.socket as unknown as { _socket: Socket })._socket.resume();
    const { code } = await within(paused.closed, 5_000, 'the paused client sees the close');
    expect([1013, 1006]).toContain(code);
    raw.socket.resume();
    await within(raw.ended, 5_000, 'the raw peer is disconnected');
    expect(NewsGateway.closes.items.filter((close) => close.id === pausedId)).toHaveLength(1);
    // @OnClose reports the code the server chose, even for the peer that was cut off.
    expect(NewsGateway.closes.items.map((close) => close.code)).toEqual([1013, 1013]);

    recordFigures(expect.getState().testPath!, {
      heapGrowthBytes: Math.max(peak, 0),
      tried: ['stalled readers of 20 MB of broadcasts'],
    });
  });
});
