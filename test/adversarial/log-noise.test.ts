import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { Gateway, OnMessage, bootstrap } from '../../src';
import { recordFigures } from './support/figures';
import { rawUpgrade } from '../support/network';
import { Opcode, clientFrame } from './support/raw-socket';
import { TestClient } from '../support/test-client';
import { within } from '../support/waiting';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly connectionId?: string;
}

const ERROR = 50;
const INFO = 30;

@Gateway('/noisy')
class NoisyGateway {
  @OnMessage('crash') crash(): never {
    throw new Error('a server fault');
  }
}

@Gateway('/small', { limits: { maxPayload: 64, drainTimeoutMs: 200 } })
class SmallGateway {}

/** Attacks that each end one connection with a protocol error. */
const ATTACKS: Record<string, Buffer> = {
  'invalid UTF-8 in a text frame': clientFrame(Opcode.Text, Buffer.from([0xff, 0xfe, 0xfd])),
  'a frame above ws maxPayload': clientFrame(Opcode.Text, Buffer.alloc(70_000, 'a')),
  'an unknown opcode': clientFrame(0x3, Buffer.from('x')),
  'a control frame that is fragmented': clientFrame(Opcode.Ping, Buffer.from('x'), false),
};

describe('log noise a client can cause', () => {
  let app: FastifyInstance;
  let port: number;
  const lines: LogLine[] = [];
  beforeAll(async () => {
    app = Fastify({
      logger: {
        level: 'info',
        stream: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
      },
      disableRequestLogging: true,
    });
    await bootstrap(app, [NoisyGateway, SmallGateway]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it.each(Object.keys(ATTACKS))(
    '%s, sent 20 times on 20 connections, never logs at error and at most once each',
    async (attack) => {
      lines.length = 0;
      const peers = await Promise.all(Array.from({ length: 20 }, () => rawUpgrade(port, '/noisy')));
      for (const peer of peers) peer.socket.write(ATTACKS[attack]);
      await within(Promise.all(peers.map((peer) => peer.ended)), 5_000, 'every peer cut');
      expect(lines.filter((line) => line.level >= ERROR)).toEqual([]);
      // One info line per connection at most (ws stops reading after the first error).
      expect(lines.filter((line) => line.level >= INFO).length).toBeLessThanOrEqual(20);
      recordFigures(expect.getState().testPath!, { frames: 20, tried: [`log noise: ${attack}`] });
    },
  );

  it('frames above a gateway maxPayload: closed 1009, one info line per connection', async () => {
    lines.length = 0;
    const peer = await rawUpgrade(port, '/small');
    for (let i = 0; i < 10; i++) peer.socket.write(clientFrame(Opcode.Text, Buffer.alloc(100)));
    await within(peer.ended, 10_000, 'peer cut');
    expect(lines.filter((line) => line.level >= ERROR)).toEqual([]);
    const info = lines.filter((line) => line.level === INFO);
    expect(info).toHaveLength(1);
    expect(info[0].msg).toContain('above maxPayload');
    recordFigures(expect.getState().testPath!, {
      frames: 10,
      tried: ['log noise: frames above a gateway maxPayload'],
    });
  });

  it('a server fault is still logged at error', async () => {
    lines.length = 0;
    const client = await TestClient.open(`ws://127.0.0.1:${port}/noisy`);
    await client.request('crash', null);
    expect(lines.filter((line) => line.level === ERROR)).toHaveLength(1);
    await client.close();
  });
});
