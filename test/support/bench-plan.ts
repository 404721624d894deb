import type { Plan } from '../../bench/scenarios';

/** The bench's every step at sizes a test can afford: it runs, every reply is checked. */
export const TINY_PLAN: Plan = {
  echo: { connections: 4, inFlight: 4, warmupMs: 50, measureMs: 150 },
  heap: { connections: 20 },
  connect: { connections: 20, batch: 10 },
  broadcast: { clients: 10, broadcasts: 20, repeats: 1 },
  latency: { connections: 10, minMs: 20, maxMs: 40, warmupMs: 50, measureMs: 300, windows: 1 },
  replay: { frames: 1000, repeats: 2 },
};
