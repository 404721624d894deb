// With the pinned ws, the gateway corks the TCP socket under `_socket` while a handler writes,
// so the frames of one tick leave in one system call.
import { Socket } from 'node:net';
import Fastify from 'fastify';
import { Gateway, GatewayServer, bootstrap, type Codec } from 'fastify-ws-gateway';
import fastifyWebsocket from 'fastify-ws-gateway/websocket';
import * as internals from '../../src/gateway/internals/ws';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { EXPECTED_FRAMES, corkedDuringHandler, runBursts } from './support/burst-gateway';

test('the transport under ws is found and corked while a handler writes', async () => {
  expect(await runBursts()).toEqual(EXPECTED_FRAMES);
  expect(corkedDuringHandler).toEqual([1, 1, 1]);
});

test('a socket without a usable transport is not corked', () => {
  const { transportOf, corkUntilNextTick } = jest.requireActual<
    typeof import('../../src/gateway/internals/ws')
  >('../../src/gateway/internals/ws');
  const socket = (transport: unknown) => ({ _socket: transport }) as never;
  expect(transportOf(socket(undefined))).toBeUndefined();
  expect(transportOf(socket(null))).toBeUndefined();
  expect(transportOf(socket({ cork() {}, uncork() {} }))).toBeUndefined();
  expect(corkUntilNextTick(socket({}))).toBe(false);
  const real = new Socket();
  expect(transportOf(socket(real))).toBe(real);
  real.destroy();
});

describe('a broadcast frame built once', () => {
  const internals = jest.requireActual<typeof import('../../src/gateway/internals/ws')>(
    '../../src/gateway/internals/ws',
  );
  // ws's own framer (not in its type declarations): the frame must be the bytes ws would send.
  const { Sender } = jest.requireActual<{
    Sender: { frame(data: Buffer, options: object): Buffer[] };
  }>('ws');
  const wsFrame = (payload: Buffer, binary: boolean): Buffer =>
    Buffer.concat(
      Sender.frame(payload, { fin: true, opcode: binary ? 2 : 1, mask: false, readOnly: true }),
    );

  it.each([5, 125, 126, 65535, 65536])('is the frame ws builds, for %i bytes', (length) => {
    const text = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2);
    expect(internals.serverFrame(text, false)).toEqual(wsFrame(Buffer.from(text), false));
    const bytes = Buffer.alloc(length, 7);
    expect(internals.serverFrame(bytes, true)).toEqual(wsFrame(bytes, true));
  });

  it('is written through send() for a client, or when ws is busy, compresses or has no transport', () => {
    const written: Buffer[] = [];
    const transport = new Socket();
    transport.write = ((chunk: Buffer) => written.push(chunk) > 0) as never;
    const socket = (fields: object) =>
      ({
        _isServer: true,
        _sender: { _state: 0, _queue: [] },
        _extensions: {},
        _socket: transport,
        ...fields,
      }) as never;
    const frame = internals.serverFrame('x', false);
    expect(internals.writeFrame(socket({ _isServer: false }), frame)).toBe(false);
    expect(internals.writeFrame(socket({ _sender: undefined }), frame)).toBe(false);
    expect(internals.writeFrame(socket({ _sender: { _state: 1, _queue: [] } }), frame)).toBe(false);
    expect(internals.writeFrame(socket({ _sender: { _state: 0, _queue: [[]] } }), frame)).toBe(
      false,
    );
    expect(internals.writeFrame(socket({ _sender: { _state: 0 } }), frame)).toBe(false);
    expect(internals.writeFrame(socket({ _extensions: undefined }), frame)).toBe(false);
    expect(internals.writeFrame(socket({ _extensions: { 'permessage-deflate': {} } }), frame)).toBe(
      false,
    );
    expect(internals.writeFrame(socket({ _socket: undefined }), frame)).toBe(false);
    expect(written).toEqual([]);
    expect(internals.writeFrame(socket({}), frame)).toBe(true);
    expect(written).toEqual([frame]);
    transport.destroy();
  });
});

@Gateway('/news')
class NewsGateway {
  static server: GatewayServer;
  constructor(server: GatewayServer) {
    NewsGateway.server = server;
  }
}

test('a broadcast goes out as one prebuilt frame, and through send() where ws compresses', async () => {
  const app = Fastify();
  await app.register(fastifyWebsocket, { options: { perMessageDeflate: true } });
  await bootstrap(app, [NewsGateway]);
  const url = `${await listen(app)}/news`;
  const writes = jest.spyOn(internals, 'writeFrame');
  try {
    const plain = await TestClient.open(url);
    const deflated = await TestClient.open(url, { perMessageDeflate: true });
    const sent = ['short', 'x'.repeat(70_000), { nested: [1, 2, 3] }];
    for (const data of sent) NewsGateway.server.emit('news', data);
    for (const client of [plain, deflated]) {
      for (const data of sent)
        await expect(client.next()).resolves.toEqual({ event: 'news', data });
    }
    // One call per frame and socket: true where ws has no extension, false where it deflates.
    expect(writes.mock.results.map((result) => result.value).sort()).toEqual([
      ...[false, false, false],
      ...[true, true, true],
    ]);
    await Promise.all([plain.close(), deflated.close()]);
  } finally {
    writes.mockRestore();
    await app.close();
  }
});

test.each([
  ['a binary codec', true],
  ['a text codec that encodes to a Buffer', false],
])(
  'a broadcast of %s goes out as a binary message, as send() sends a Buffer',
  async (_, binary) => {
    const bufferJson: Codec = {
      binary,
      decode: (data) => ({ ok: true, frame: JSON.parse(data.toString()) }),
      encode: (frame) => Buffer.from(JSON.stringify(frame)),
    };
    const app = Fastify();
    await bootstrap(app, [NewsGateway], { codec: bufferJson });
    const client = await TestClient.open(`${await listen(app)}/news`);
    try {
      const received = new Promise<[string, boolean]>((resolve) =>
        client.socket.once('message', (data, isBinary) => resolve([String(data), isBinary])),
      );
      NewsGateway.server.emit('news', 'bytes');
      await expect(received).resolves.toEqual(['{"event":"news","data":"bytes"}', true]);
    } finally {
      await client.close();
      await app.close();
    }
  },
);
