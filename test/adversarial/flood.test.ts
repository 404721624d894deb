import { ABUSE_WINDOW_MS } from '../../src/gateway/limits';
import { Gateway, MessageBody, OnMessage } from '../../src';
import { recordFigures } from './support/figures';
import { startHarness, type Harness } from './support/harness';
import { errorCode, uniqueId } from '../support/test-client';
import { within } from '../support/waiting';

const FLOOD = 500;

/** Default limits: burst 100, then 50 messages per second. */
@Gateway('/flood')
class FloodGateway {
  @OnMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return body;
  }
}

/** A small bucket, so a modest sustained flood is excess for the whole abuse window. */
@Gateway('/abuse', { limits: { rateBurst: 5, ratePerSecond: 5 } })
class AbuseGateway {
  @OnMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return body;
  }
}

describe('floods', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness([FloodGateway, AbuseGateway]);
  });
  afterAll(() => harness.close());

  it(`a burst of ${FLOOD} messages: the burst is served, the rest is rate_limited, one answer each`, async () => {
    const attacker = await harness.client('/flood');
    const ids = Array.from({ length: FLOOD }, () => uniqueId());
    for (const id of ids) attacker.send({ event: 'echo', data: id, id });
    const wanted = new Set<unknown>(ids);
    const answers = await attacker.waitForCount((f) => wanted.has(f.id), FLOOD, 10_000, 'answers');
    expect(answers).toHaveLength(FLOOD);
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(FLOOD);

    const served = answers.filter((answer) => answer.event === 'echo');
    const limited = answers.filter((answer) => errorCode(answer) === 'rate_limited');
    expect(served.length + limited.length).toBe(FLOOD);
    // The burst of 100, plus what 50/s refilled while the flood was being read.
    expect(served.length).toBeGreaterThanOrEqual(100);
    expect(served.length).toBeLessThan(200);
    expect(limited.length).toBeGreaterThan(FLOOD - 200);
    // Being limited is not being thrown out: one burst is far from sustained abuse.
    expect(attacker.isOpen).toBe(true);
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: FLOOD,
      tried: ['a burst of 500 messages'],
    });
  });

  // Real time, not fake timers: the window is a fixed 10 s (ABUSE_WINDOW_MS), and faking Date
  // and timers would also fake what ws, net and Fastify rely on to move the bytes.
  it('a flood sustained for the abuse window is closed with 1008, the last request answered first', async () => {
    const attacker = await harness.client('/abuse');
    const started = Date.now();
    // Lockstep: each request waits for its one frame, so the request that crossed into abuse
    // is the last one sent, and it must be answered (rate_limited) before the close.
    let sent = 0;
    let checkedPolite = false;
    let lastId = 0;
    while (attacker.isOpen) {
      lastId = uniqueId();
      attacker.send({ event: 'echo', data: sent++, id: lastId });
      const answered = await attacker
        .waitFor((f) => f.id === lastId, ABUSE_WINDOW_MS, `request #${lastId}`)
        .then(
          () => true,
          () => false,
        );
      if (!answered) break;
      if (!checkedPolite && errorCode(attacker.frames[attacker.frames.length - 1]) !== undefined) {
        // Mid-flood, others are still served promptly.
        checkedPolite = true;
        await harness.expectPolitePrompt();
      }
    }
    const { code } = await within(attacker.closed, 5_000, 'close 1008');
    expect(code).toBe(1008);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(ABUSE_WINDOW_MS - 100);
    expect(elapsed).toBeLessThan(ABUSE_WINDOW_MS + 10_000);
    const last = attacker.frames[attacker.frames.length - 1];
    expect(last.id).toBe(lastId);
    expect(errorCode(last)).toBe('rate_limited');
    // Rate limited frames were answered as such until the end, nothing else.
    const codes = new Set(attacker.frames.map((f) => (f.event === 'echo' ? 'echo' : errorCode(f))));
    expect([...codes].sort()).toEqual(['echo', 'rate_limited']);
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: sent,
      tried: ['a flood sustained for the abuse window'],
    });
  }, 40_000);
});
