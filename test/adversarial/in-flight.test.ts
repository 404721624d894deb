import { DEFAULT_LIMITS, Gateway, MessageBody, OnMessage } from '../../src';
import { recordFigures } from './support/figures';
import { startHarness, type Harness } from './support/harness';
import { Tally } from './support/tally';
import { uniqueId } from '../support/test-client';

const SENT = 40;
const MAX_IN_FLIGHT = DEFAULT_LIMITS.maxInFlight;
/** Bodies below SENT come from the attacker; NEIGHBOUR from a second client. */
const NEIGHBOUR = 1000;

/** Handlers that only finish when the test says so. */
@Gateway('/hang')
class HangGateway {
  static readonly started = new Tally<number>();
  static readonly pending: { n: number; finish: () => void }[] = [];
  static attackerInFlight = 0;
  static attackerPeak = 0;

  @OnMessage('hang')
  hang(@MessageBody() n: number): Promise<number> {
    const mine = n < SENT;
    if (mine) {
      HangGateway.attackerInFlight++;
      HangGateway.attackerPeak = Math.max(HangGateway.attackerPeak, HangGateway.attackerInFlight);
    }
    return new Promise((resolve) => {
      HangGateway.pending.push({
        n,
        finish: () => {
          if (mine) HangGateway.attackerInFlight--;
          resolve(n);
        },
      });
      HangGateway.started.add(n);
    });
  }
}

const attackerStarted = () => HangGateway.started.items.filter((n) => n < SENT);

describe('handlers that never resolve', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness([HangGateway]);
  });
  afterAll(() => harness.close());

  it(`at most ${MAX_IN_FLIGHT} run per connection; reading resumes as they finish; nothing is dropped`, async () => {
    const { started, pending } = HangGateway;
    const attacker = await harness.client('/hang');
    const ids = Array.from({ length: SENT }, () => uniqueId());
    ids.forEach((id, n) => attacker.send({ event: 'hang', data: n, id }));
    await started.reach(MAX_IN_FLIGHT, 2_000, 'handlers started');

    // Others are served meanwhile (round trips through the same server give a 17th frame every
    // chance to start), and the limit is per connection: a second client on the same gateway
    // still gets its handler run.
    await harness.expectPolitePrompt();
    const neighbour = await harness.client('/hang');
    neighbour.send({ event: 'hang', data: NEIGHBOUR, id: uniqueId() });
    await started.until(
      (items) => items.includes(NEIGHBOUR),
      2_000,
      "the neighbour's handler starts",
    );
    expect(attackerStarted()).toHaveLength(MAX_IN_FLIGHT);

    // Finish the attacker's handlers three at a time: each freed slot lets the next frame in.
    for (let round = 0; attackerStarted().length < SENT; round++) {
      const finishing = pending.filter((p) => p.n < SENT).slice(0, 3);
      for (const p of finishing) {
        pending.splice(pending.indexOf(p), 1);
        p.finish();
      }
      const target = Math.min(SENT, attackerStarted().length + finishing.length);
      await started.until(
        () => attackerStarted().length >= target,
        2_000,
        `round ${round}: slots reused`,
      );
      expect(HangGateway.attackerInFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    }
    pending.splice(0).forEach((p) => p.finish());

    const wanted = new Set<unknown>(ids);
    const replies = await attacker.waitForCount(
      (f) => wanted.has(f.id),
      SENT,
      5_000,
      'every reply',
    );
    expect(replies.map((reply) => reply.data).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: SENT }, (_, n) => n),
    );
    // Started in the order sent, never more than the limit at once.
    expect(attackerStarted()).toEqual(Array.from({ length: SENT }, (_, n) => n));
    expect(HangGateway.attackerPeak).toBe(MAX_IN_FLIGHT);
    await neighbour.waitFor((f) => f.data === NEIGHBOUR, 2_000, "the neighbour's reply");
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: SENT + 1,
      tried: ['more slow requests than maxInFlight'],
    });
  });
});
