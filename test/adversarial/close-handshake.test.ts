import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { Gateway, OnClose, bootstrap, type Connection } from '../../src';
import { recordFigures } from './support/figures';
import { startHarness, type Harness } from './support/harness';
import { rawUpgrade } from '../support/network';
import { Opcode, clientFrame, closeCodeIn } from './support/raw-socket';
import { Tally } from './support/tally';
import { within } from '../support/waiting';

const GRACE_MS = 200;

@Gateway('/tiny', { limits: { maxPayload: 100, drainTimeoutMs: GRACE_MS } })
class TinyGateway {
  static readonly closes = new Tally<number>();
  @OnClose() closed(_conn: Connection, code: number) {
    TinyGateway.closes.add(code);
  }
}

@Gateway('/shut', { limits: { drainTimeoutMs: GRACE_MS } })
class ShutGateway {
  static readonly closes = new Tally<number>();
  @OnClose() closed(_conn: Connection, code: number) {
    ShutGateway.closes.add(code);
  }
}

describe('peers that never complete the close handshake', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness([TinyGateway]);
  });
  afterAll(() => harness.close());

  it('after an oversize frame: cut at drainTimeoutMs, @OnClose gets 1009 (not 1006)', async () => {
    const raw = await rawUpgrade(harness.port, '/tiny');
    raw.socket.write(clientFrame(Opcode.Text, Buffer.alloc(200, 'a')));
    // ws alone would wait 30 s for the peer's close frame.
    await within(raw.ended, 10_000, 'silent peer cut');
    expect(closeCodeIn(raw.received())).toBe(1009);
    await TinyGateway.closes.reach(1, 2_000, '@OnClose');
    expect(TinyGateway.closes.items).toEqual([1009]);
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: 1,
      tried: ['never answering the close frame after an oversize frame'],
    });
  });

  it('on shutdown: cut at drainTimeoutMs, app.close() is not held for 30 s', async () => {
    const app = Fastify();
    await bootstrap(app, [ShutGateway]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const raw = await rawUpgrade((app.server.address() as AddressInfo).port, '/shut');
    const started = Date.now();
    await within(app.close(), 10_000, 'app.close()');
    expect(Date.now() - started).toBeLessThan(10_000);
    await within(raw.ended, 2_000, 'silent peer cut');
    expect(closeCodeIn(raw.received())).toBe(1001);
    await ShutGateway.closes.reach(1, 2_000, '@OnClose');
    expect(ShutGateway.closes.items).toEqual([1001]);
    recordFigures(expect.getState().testPath!, {
      frames: 0,
      tried: ['never answering the close frame on shutdown'],
    });
  });
});
