import fc from 'fast-check';
import { Gateway, GatewayServer, MessageBody, OnMessage } from '../../src';
import { MiB, recordFigures, settledMemory } from './support/figures';
import { POLITE_PATH, startHarness, type Harness } from './support/harness';
import { expectedFor, WIRE_CODES } from './support/oracle';
import { rawUpgrade } from '../support/network';
import { errorCode, uniqueId } from '../support/test-client';
import { within } from '../support/waiting';
import { Opcode, clientFrame, closeCodeIn } from './support/raw-socket';

const SMALL_PAYLOAD = 1024;
const GARBAGE_SEED = 20261125;
const GARBAGE_FRAMES = 2_000;

/** A gateway with a payload limit below `ws.Server`'s (which is the largest of all gateways). */
@Gateway('/small', { limits: { maxPayload: SMALL_PAYLOAD } })
class SmallFramesGateway {
  @OnMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return body;
  }
}

/** Default limits except the rate, so thousands of frames are judged on their content alone. */
@Gateway('/garbage', { limits: { ratePerSecond: Infinity } })
class GarbageGateway {
  static server: GatewayServer | undefined;
  constructor(server: GatewayServer) {
    GarbageGateway.server = server;
  }

  @OnMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return body;
  }
}

const nested = (depth: number, open: string, close: string) =>
  open.repeat(depth) + '1' + close.repeat(depth);

describe('hostile frames', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness([SmallFramesGateway, GarbageGateway]);
  });
  afterAll(() => harness.close());

  it('a frame over the gateway maxPayload closes that connection with 1009', async () => {
    const attacker = await harness.client('/small');
    attacker.send({ event: 'echo', data: 'x'.repeat(SMALL_PAYLOAD) });
    expect((await within(attacker.closed, 5_000, 'close after oversize')).code).toBe(1009);
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: 1,
      tried: ['a frame above the gateway maxPayload'],
    });
  });

  it('a frame over the default 64 KiB closes with 1009, and one just under it is served', async () => {
    const fits = await harness.client(POLITE_PATH);
    const envelope = '{"event":"echo","data":"","id":1}';
    const under = envelope.replace('""', `"${'y'.repeat(65_536 - envelope.length)}"`);
    fits.send(under);
    await fits.waitFor((frame) => frame.id === 1, 5_000, 'reply to a 64 KiB frame');

    const attacker = await harness.client(POLITE_PATH);
    attacker.send({ event: 'echo', data: 'x'.repeat(65_536) });
    expect((await within(attacker.closed, 5_000, 'close after oversize')).code).toBe(1009);
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, { frames: 2, tried: ['a frame above 64 KiB'] });
  });

  it.each([
    ['arrays', nested(10_000, '[', ']')],
    ['objects', nested(10_000, '{"a":', '}')],
  ])(
    '10,000 nested %s under the size limit are bad_frame, and the connection stays open',
    async (_, deep) => {
      const attacker = await harness.client('/garbage');
      const frame = `{"id":7,"event":"echo","data":${deep}}`;
      expect(frame.length).toBeLessThan(65_536);
      attacker.send(frame);
      const error = await attacker.waitFor((f) => f.event === 'error', 2_000, 'bad_frame');
      expect(errorCode(error)).toBe('bad_frame');
      if (error.id !== undefined) expect(error.id).toBe(7);
      expect(error.raw).not.toContain('[[[');
      // Still open and served.
      expect((await attacker.request('echo', { after: 'deep' })).data).toEqual({ after: 'deep' });
      await harness.expectPolitePrompt();
      recordFigures(expect.getState().testPath!, {
        frames: 2,
        tried: ['frames nested past maxDepth'],
      });
    },
  );

  it('binary frames are bad_frame on the JSON codec, and the connection stays open', async () => {
    const attacker = await harness.client('/garbage');
    attacker.send(Buffer.from('{"event":"echo","data":1,"id":3}'));
    attacker.send(Buffer.from([0, 1, 2, 255]));
    const errors = await attacker.waitForCount((f) => f.event === 'error', 2, 2_000, 'bad_frames');
    expect(errors.map(errorCode)).toEqual(['bad_frame', 'bad_frame']);
    expect(attacker.frames.some((frame) => frame.event === 'echo')).toBe(false);
    expect((await attacker.request('echo', 'text still works')).data).toBe('text still works');
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: 2,
      tried: ['binary frames on the JSON codec'],
    });
  });

  it('a text frame of invalid UTF-8 is closed by ws with 1007; nobody else is affected', async () => {
    const raw = await rawUpgrade(harness.port, '/garbage');
    raw.socket.write(clientFrame(Opcode.Text, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])));
    await within(raw.ended, 5_000, 'server ends the connection');
    expect(closeCodeIn(raw.received())).toBe(1007);
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: 1,
      tried: ['invalid UTF-8 in a text frame'],
    });
  });

  it('raw protocol garbage after the upgrade never outlives its connection', async () => {
    const sockets = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 512 }), {
      seed: GARBAGE_SEED,
      numRuns: 40,
    });
    const server = GarbageGateway.server!;
    const others = server.fetchConnections().length;
    const raws = await Promise.all(sockets.map(() => rawUpgrade(harness.port, '/garbage')));
    raws.forEach((raw, i) => raw.socket.end(Buffer.from(sockets[i])));
    await within(Promise.all(raws.map((raw) => raw.ended)), 5_000, 'every raw socket closed');
    await harness.expectPolitePrompt();
    // Each connection left the gateway: none is still counted.
    await within(
      (async () => {
        while (server.fetchConnections().length > others) {
          await new Promise((resolve) => setImmediate(resolve));
        }
      })(),
      2_000,
      'garbage connections released',
    );
    recordFigures(expect.getState().testPath!, {
      frames: raws.length,
      tried: ['raw protocol garbage after the upgrade'],
    });
  });

  it(`${GARBAGE_FRAMES} seeded garbage frames: each gets a documented answer, memory stays bounded`, async () => {
    const envelope = fc
      .record({
        event: fc.constantFrom('echo', 'nope', 'toString', '__proto__'),
        data: fc.jsonValue({ maxDepth: 3 }),
        id: fc.nat().map((n) => `g${n}`),
      })
      .map((frame) => JSON.stringify(frame));
    const garbage = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.jsonValue({ maxDepth: 40 }).map((value) => JSON.stringify(value) ?? 'null'),
      envelope,
      // A valid envelope cut short or with one character replaced.
      fc
        .tuple(envelope, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }))
        .map(([text, at, char]) =>
          at % 2 === 0
            ? text.slice(0, at % text.length)
            : text.slice(0, at % text.length) + char + text.slice((at % text.length) + 1),
        ),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    );
    const frames = fc.sample(garbage, { seed: GARBAGE_SEED, numRuns: GARBAGE_FRAMES });
    const expected = frames.map((frame) => expectedFor(frame));
    const surelyBad = expected.filter((e) => e === 'bad_frame').length;
    const maybeBad = expected.filter((e) => e === 'either').length;

    const before = settledMemory();
    const attacker = await harness.client('/garbage');
    for (const frame of frames) attacker.send(frame);
    const sentinel = await attacker.request('echo', 'sentinel', uniqueId(), 10_000);
    expect(sentinel.data).toBe('sentinel');
    await harness.expectPolitePrompt();

    const answers = attacker.frames.filter((frame) => frame !== sentinel);
    const undocumented = answers.filter((answer) =>
      answer.event === 'error' ? !WIRE_CODES.includes(errorCode(answer)!) : answer.event !== 'echo',
    );
    expect(undocumented).toEqual([]);
    const badFrames = answers.filter((frame) => errorCode(frame) === 'bad_frame').length;
    expect(badFrames).toBeGreaterThanOrEqual(surelyBad);
    expect(badFrames).toBeLessThanOrEqual(surelyBad + maybeBad);
    expect(attacker.isOpen).toBe(true);
    await attacker.close();
    const growth = settledMemory() - before;
    expect(growth).toBeLessThan(32 * MiB);
    recordFigures(expect.getState().testPath!, {
      frames: GARBAGE_FRAMES,
      heapGrowthBytes: growth,
      tried: ['seeded garbage frames'],
    });
  }, 45_000);
});
