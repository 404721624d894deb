import {
  ConnectedSocket,
  Gateway,
  OnClose,
  OnConnect,
  OnMessage,
  type Connection,
} from '../../src';
import { recordFigures } from './support/figures';
import { startHarness, type Harness } from './support/harness';
import { rawUpgrade } from '../support/network';
import { Tally } from './support/tally';
import { within } from '../support/waiting';

const CONNECT_TIMEOUT_MS = 300;
const PING_INTERVAL_MS = 100;
const PONG_TIMEOUT_MS = 100;

@Gateway('/stuck', { limits: { connectTimeoutMs: CONNECT_TIMEOUT_MS } })
class StuckConnectGateway {
  static readonly connects = new Tally<string>();

  @OnConnect()
  never(@ConnectedSocket() conn: Connection): Promise<void> {
    StuckConnectGateway.connects.add(conn.id);
    return new Promise(() => {});
  }
}

/** A gateway that pings every PING_INTERVAL_MS, answers `whoami` with the id, tallies @OnClose. */
function pingingGateway(path: string, pongTimeoutMs: number) {
  @Gateway(path, { limits: { pingIntervalMs: PING_INTERVAL_MS, pongTimeoutMs } })
  class PingingGateway {
    static readonly closes = new Tally<string>();

    @OnMessage('whoami')
    whoami(@ConnectedSocket() conn: Connection): string {
      return conn.id;
    }

    @OnClose()
    left(@ConnectedSocket() conn: Connection): void {
      PingingGateway.closes.add(conn.id);
    }
  }
  return PingingGateway;
}

const HeartbeatGateway = pingingGateway('/beat', PONG_TIMEOUT_MS);

/**
 * The same ping interval with a pong deadline no scheduler delay reaches: a peer kept here
 * answered its pings. (With a 100 ms deadline, a busy machine that stalls this process for
 * 100 ms would cut a healthy peer too, and the test would measure the machine.)
 */
const SteadyGateway = pingingGateway('/steady', 30_000);

/** `Infinity` is a documented value for the timers: here, never give up on a silent peer. */
@Gateway('/patient', { limits: { pingIntervalMs: PING_INTERVAL_MS, pongTimeoutMs: Infinity } })
class PatientGateway {}

describe('liveness', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness([
      StuckConnectGateway,
      HeartbeatGateway,
      PatientGateway,
      SteadyGateway,
    ]);
  });
  afterAll(() => harness.close());

  it('an @OnConnect that never settles is closed with 1011 at connectTimeoutMs', async () => {
    const started = Date.now();
    const stuck = await harness.client('/stuck');
    await StuckConnectGateway.connects.reach(1, 2_000, '@OnConnect called');
    // Messages sent meanwhile wait for @OnConnect; they must not crash anything either.
    stuck.send({ event: 'anything', data: null, id: 1 });
    const { code } = await within(
      stuck.closed,
      CONNECT_TIMEOUT_MS + 3_000,
      'close at the deadline',
    );
    const elapsed = Date.now() - started;
    expect(code).toBe(1011);
    expect(elapsed).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(CONNECT_TIMEOUT_MS + 2_000);
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: 1,
      tried: ['an @OnConnect that never settles'],
    });
  });

  it('peers that never answer pings are terminated and @OnClose runs exactly once', async () => {
    const { closes } = HeartbeatGateway;
    const healthy = await harness.client('/steady'); // ws answers pings by itself
    const silent = await harness.client('/beat', { autoPong: false });
    const silentId = (await silent.request('whoami', null)).data as string;
    const healthyId = (await healthy.request('whoami', null)).data as string;

    const { code } = await within(
      silent.closed,
      PING_INTERVAL_MS + PONG_TIMEOUT_MS + 3_000,
      'terminated',
    );
    expect(code).toBe(1006); // terminated: no close handshake with a dead peer
    await closes.until((ids) => ids.includes(silentId), 2_000, '@OnClose of the silent peer');

    // A raw TCP peer never answers pings either; its termination takes at least two more ping
    // intervals, time in which a second @OnClose for the first peer would have shown up.
    const raw = await rawUpgrade(harness.port, '/beat');
    await within(raw.ended, PING_INTERVAL_MS + PONG_TIMEOUT_MS + 3_000, 'raw peer terminated');
    await closes.reach(2, 2_000, '@OnClose of the raw peer');
    expect(closes.count(silentId)).toBe(1);
    expect(closes.items).toHaveLength(2);

    // The healthy peer answered its pings: a new ping goes out only once the last one was
    // answered, so three pings mean two pongs the server counted. It is still served.
    await within(
      (async () => {
        while (healthy.pings < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      10_000,
      'three pings to the healthy peer',
    );
    expect(healthy.isOpen).toBe(true);
    expect(SteadyGateway.closes.count(healthyId)).toBe(0);
    expect((await healthy.request('whoami', null)).data).toBe(healthyId);
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: 3,
      tried: ['peers that never answer pings'],
    });
  });

  it('pongTimeoutMs: Infinity pings but never terminates a silent peer', async () => {
    const patient = await harness.client('/patient', { autoPong: false });
    // A silent peer on the finite gateway, connected after, is terminated within two intervals;
    // by then a patient peer cut by a mis-set timer would long be gone.
    const silent = await harness.client('/beat', { autoPong: false });
    await within(
      silent.closed,
      PING_INTERVAL_MS + PONG_TIMEOUT_MS + 3_000,
      'finite peer terminated',
    );
    expect(patient.pings).toBeGreaterThanOrEqual(1);
    expect(patient.isOpen).toBe(true);
    await harness.expectPolitePrompt();
  });
});
