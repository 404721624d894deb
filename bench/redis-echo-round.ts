// The "Redis adapter" echo rows: one gateway process on its own redis-server, measured like
// any other server (the peer's `steps`), so resume on and off compare on the same adapter.
import type { Peer } from './peers';
import { freePort, startRedis } from './redis-round';
import { runRound, type Plan, type RoundResult } from './scenarios';

export async function runRedisEchoRound(peer: Peer, plan: Plan): Promise<RoundResult> {
  const port = await freePort();
  const stopRedis = await startRedis(port);
  try {
    return await runRound(peer, plan, { BENCH_REDIS_PORT: String(port) });
  } finally {
    stopRedis();
  }
}
