import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  MessageBody,
  OnConnect,
  OnMessage,
  bootstrap,
  type Codec,
  type Connection,
} from '../../src';
import fastifyWebsocket from '../../src/websocket';
import { rawUpgrade } from '../support/network';
import { until, within } from '../support/waiting';
import { recordFigures } from './support/figures';

/** Sizes that take each of the three length encodings of a frame header, and >64 KiB. */
const PADS = [3, 300, 70_000];

let server: GatewayServer;

@Gateway('/fanout', { limits: { ratePerSecond: Infinity, maxBufferedBytes: 64 * 1024 * 1024 } })
class FanoutGateway {
  constructor(gatewayServer: GatewayServer) {
    server = gatewayServer;
  }

  @OnConnect() enter(@ConnectedSocket() conn: Connection): void {
    conn.join('all');
  }

  /** In one tick: a broadcast, then a direct emit, per round; then the reply. */
  @OnMessage('mixed')
  mixed(@MessageBody() rounds: number, @ConnectedSocket() conn: Connection): number {
    for (let r = 0; r < rounds; r++) {
      const pad = 'x'.repeat(PADS[r % PADS.length]);
      server.to('all').emit('b', { r, pad });
      conn.emit('d', { r });
    }
    return rounds;
  }

  @OnMessage('shout')
  shout(@MessageBody() r: number): void {
    server.to('all').emit('b', { r, pad: 'y'.repeat(70_000) });
  }
}

interface Frame {
  readonly event: string;
  readonly data?: any;
  readonly id?: string | number;
}

/** A real `ws` client: it fails (1002) on any malformed frame, so its close code says so. */
class Peer {
  readonly frames: Frame[] = [];
  readonly binaries: boolean[] = [];
  closeCode: number | undefined;
  readonly socket: WebSocket;

  constructor(url: string, deflate: boolean) {
    this.socket = new WebSocket(url, { perMessageDeflate: deflate });
    this.socket.on('message', (data, isBinary) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      this.binaries.push(isBinary);
    });
    this.socket.on('error', () => undefined);
    this.socket.on('close', (code) => (this.closeCode = code));
  }

  get deflated(): boolean {
    return this.socket.extensions.includes('permessage-deflate');
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('close', () => reject(new Error('closed before open')));
    });
  }

  of(event: string): Frame[] {
    return this.frames.filter((frame) => frame.event === event);
  }
}

const bufferJson: Codec = {
  binary: true,
  decode: (data) => ({ ok: true, frame: JSON.parse(data.toString()) }),
  encode: (frame) => Buffer.from(JSON.stringify(frame)),
};

describe.each([
  ['the JSON codec', undefined],
  ['a binary codec', bufferJson],
])('broadcasts written as prebuilt frames, with %s (real ws clients)', (_, codec) => {
  let app: FastifyInstance;
  let url: string;
  const peers: Peer[] = [];

  async function peer(deflate: boolean): Promise<Peer> {
    const opened = new Peer(url, deflate);
    peers.push(opened);
    await opened.opened();
    return opened;
  }

  beforeEach(async () => {
    app = Fastify();
    await app.register(fastifyWebsocket, { options: { perMessageDeflate: true } });
    await bootstrap(app, [FanoutGateway], { codec });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/fanout`;
  });

  afterEach(async () => {
    for (const opened of peers.splice(0)) opened.socket.terminate();
    await app.close();
  });

  it('broadcasts, direct emits and the reply of one tick arrive in call order, deflate and plain mixed, every size', async () => {
    const members = await Promise.all([true, false, true, false, false, true].map(peer));
    expect(members.map((member) => member.deflated)).toEqual([
      true,
      false,
      true,
      false,
      false,
      true,
    ]);
    const rounds = 30;
    // A plain caller and a deflating one, at once.
    for (const caller of [members[1], members[0]]) {
      caller.socket.send(JSON.stringify({ event: 'mixed', data: rounds, id: 1 }));
    }
    await until(() => members.every((member) => member.of('b').length === 2 * rounds));
    await until(() => [members[0], members[1]].every((m) => m.frames.some((f) => f.id === 1)));
    const expectedB = (r: number) => ({ event: 'b', data: { r, pad: 'x'.repeat(PADS[r % 3]) } });
    // Each call runs in one tick, so its frames are contiguous on every socket.
    const own = Array.from({ length: rounds }, (_, r) => [
      expectedB(r),
      { event: 'd', data: { r } },
    ]);
    for (const caller of [members[0], members[1]]) {
      const start = caller.frames.findIndex((frame) => frame.event === 'd') - 1;
      expect(caller.frames.slice(start, start + 2 * rounds + 1)).toEqual([
        ...own.flat(),
        { event: 'mixed', data: rounds, id: 1 },
      ]);
    }
    const once = Array.from({ length: rounds }, (_, r) => expectedB(r));
    for (const member of members) {
      expect(member.closeCode).toBeUndefined();
      expect(member.of('b')).toEqual([...once, ...once]);
      expect(new Set(member.binaries)).toEqual(new Set([codec !== undefined]));
    }
    recordFigures(__filename, {
      frames: members.length * 2 * rounds,
      tried: [
        'broadcast, direct emit and reply in one tick, deflate and plain members, 3 B to 70 KB',
      ],
    });
  });

  it('members that close mid-broadcast: the others get every frame, in order, well formed', async () => {
    const stayers = await Promise.all([false, true, false, true].map(peer));
    const quitters = await Promise.all(Array.from({ length: 16 }, (_, i) => peer(i % 2 === 0)));
    // Half drop at their first broadcast (no close frame), half close cleanly.
    quitters.forEach((quitter, i) =>
      quitter.socket.once('message', () =>
        i % 2 === 0 ? quitter.socket.terminate() : quitter.socket.close(),
      ),
    );
    const rounds = 20;
    for (let r = 0; r < rounds; r++) {
      stayers[0].socket.send(JSON.stringify({ event: 'shout', data: r }));
    }
    await until(() => stayers.every((stayer) => stayer.of('b').length === rounds));
    for (const stayer of stayers) {
      expect(stayer.of('b').map((frame) => frame.data.r)).toEqual(
        Array.from({ length: rounds }, (_, r) => r),
      );
      expect(stayer.closeCode).toBeUndefined();
    }
    await until(() => app.websocketServer.clients.size === stayers.length);
    expect(server.fetchConnections().length).toBe(stayers.length);
    recordFigures(__filename, {
      frames: rounds * 20,
      tried: ['members closing and dropping in the middle of 70 KB broadcasts'],
    });
  });
});

@Gateway('/tight', { limits: { ratePerSecond: Infinity, maxBufferedBytes: 1024 * 1024 } })
class TightGateway {
  constructor(private readonly gatewayServer: GatewayServer) {}

  @OnMessage('shout')
  shout(@MessageBody() r: number): void {
    this.gatewayServer.emit('b', { r, pad: 'z'.repeat(256 * 1024) });
  }
}

describe('a slow reader among readers of prebuilt broadcast frames', () => {
  it('is closed with 1013 and cut off; a reader next to it gets every frame in order', async () => {
    const app = Fastify();
    await bootstrap(app, [TightGateway]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    try {
      const slow = await rawUpgrade(port, '/tight', { read: false });
      const reader = new Peer(`ws://127.0.0.1:${port}/tight`, false);
      await reader.opened();
      // 25 MB: more than the kernel's socket buffers take for a peer that does not read.
      const rounds = 100;
      // One broadcast at a time, as a busy room sees them: the reader keeps up, the slow one not.
      for (let r = 0; r < rounds; r++) {
        reader.socket.send(JSON.stringify({ event: 'shout', data: r }));
        await until(() => reader.of('b').length === r + 1 || reader.closeCode !== undefined);
      }
      await until(() => reader.of('b').length === rounds);
      expect(reader.of('b').map((frame) => frame.data.r)).toEqual(
        Array.from({ length: rounds }, (_, r) => r),
      );
      // Closed by the server (1013), then cut off after the close grace, without reading a byte.
      await until(() => app.websocketServer.clients.size === 1, 1_000_000);
      slow.socket.resume();
      await within(slow.ended, 5_000, 'the slow peer is disconnected');
      expect(reader.closeCode).toBeUndefined();
      reader.socket.terminate();
    } finally {
      await app.close();
    }
  });
});
