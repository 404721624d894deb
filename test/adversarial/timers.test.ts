import { createHook } from 'node:async_hooks';
import Fastify from 'fastify';
import {
  ConnectedSocket,
  Gateway,
  OnClose,
  OnConnect,
  OnMessage,
  bootstrap,
  type Connection,
} from '../../src';
import { Tally } from './support/tally';
import { within } from '../support/waiting';

// 10,000 cycles take minutes on a loaded 2-core machine; 1,000 keep the suite near a minute
// there, and a per-connection leak shows from the first cycle (the check is exact: zero).
const CYCLES = 1_000;

/** Default limits: each connection arms the connect deadline, the heartbeat and the rate bucket. */
@Gateway('/cycle')
class CycleGateway {
  static readonly connects = new Tally<string>();
  static readonly closes = new Tally<string>();

  @OnConnect()
  joined(@ConnectedSocket() conn: Connection): void {
    CycleGateway.connects.add(conn.id);
  }

  @OnMessage('ping')
  ping(): string {
    return 'pong';
  }

  @OnClose()
  left(@ConnectedSocket() conn: Connection): void {
    CycleGateway.closes.add(conn.id);
  }
}

/** Timers created while the hook is on and neither fired nor cleared since, unref'd or not. */
function trackLiveTimers() {
  const live = new Map<number, string>();
  const hook = createHook({
    init(asyncId, type) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      // Jest's own reporter ticks in this process when a single file runs in band.
      if (!/node_modules[\\/](@jest|jest-)/.test(stack)) live.set(asyncId, stack);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  return { live, stop: () => hook.disable() };
}

/** Handles and ref'd timers, measured once pending immediates have run. */
async function settledResources(): Promise<string[]> {
  await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().sort();
}

describe('timers and handles', () => {
  it(`${CYCLES.toLocaleString('en-US')} connect/close cycles leave no timer or handle behind`, async () => {
    const app = Fastify({ logger: false });
    await bootstrap(app, [CycleGateway]);
    await app.ready();
    const baseline = await settledResources();
    const timers = trackLiveTimers();
    try {
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const ws = await app.injectWS('/cycle');
        if (cycle % 50 === 0) {
          // Now and then a full round trip, so the message path runs too.
          const reply = new Promise((resolve) =>
            ws.once('message', (data) => resolve(String(data))),
          );
          ws.send(JSON.stringify({ event: 'ping', data: null, id: cycle }));
          expect(JSON.parse((await within(reply, 2_000, 'reply')) as string)).toMatchObject({
            data: 'pong',
          });
        }
        const closed = new Promise((resolve) => ws.once('close', resolve));
        if (cycle % 2 === 0) ws.close(1000);
        else ws.terminate();
        await closed;
      }
      await CycleGateway.closes.reach(CYCLES, 10_000, '@OnClose for every cycle');
      expect(CycleGateway.connects.length).toBe(CYCLES);
      const after = await settledResources();
      const leaked = [...timers.live.values()];
      expect({ leaked: leaked.length, first: leaked[0] }).toEqual({ leaked: 0, first: undefined });
      // No kind of handle (socket, pipe, ref'd timer…) is more numerous than before.
      const count = (list: string[], kind: string) => list.filter((r) => r === kind).length;
      for (const kind of new Set(after)) {
        expect({ kind, count: count(after, kind) }).toEqual({
          kind,
          count: Math.min(count(after, kind), count(baseline, kind)),
        });
      }
    } finally {
      timers.stop();
      await app.close();
    }
  }, 60_000);
});
