// `npm run bench [-- --quick] [-- --rounds N] [-- --only ws,gateway] [-- --scale 1000,10000]
// [-- --before <dist dir>]`: runs the side-by-side benchmark, then the scale curve, and writes
// bench/results/latest.md (also printed) and the chart bench/results/latest.svg.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderChart } from './chart';
import { FULL_PLAN, QUICK_PLAN, runHarness } from './harness';
import { PEERS } from './peers';
import { hasRedisServer, runRoutingRound } from './redis-round';
import { renderReport } from './report';
import { SCALE_PEERS, runScale } from './scale';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** `--scale none` skips the curve; the full run goes to 50,000 (left out, with a note, where
 * the open-file limit does not allow it). */
function scaleSizes(quick: boolean): number[] {
  const given = option('--scale');
  if (given === 'none') return [];
  if (given !== undefined) return given.split(',').map(Number);
  return quick ? [1000] : [1000, 10000, 50000];
}

async function main(): Promise<number> {
  const quick = process.argv.includes('--quick');
  const rounds = Number(option('--rounds') ?? (quick ? 2 : 3));
  const only = option('--only')?.split(',');
  const before = option('--before');
  const started = Date.now();
  const plan = quick ? QUICK_PLAN : FULL_PLAN;
  const log = (line: string): void => console.error(line);
  const outcome = await runHarness({
    plan,
    rounds,
    only,
    beforeDist: before === undefined ? undefined : resolve(before),
    log,
  });
  const scalePeers = PEERS.filter(
    (peer) => SCALE_PEERS.includes(peer.key) && (!only || only.includes(peer.key)),
  );
  const scale = await runScale(scalePeers, scaleSizes(quick), log);
  const notes = [...outcome.notes];
  notes.push(
    ...outcome.skipped.map(
      (peer) =>
        `${peer.label} not run: its server (bench/servers/${peer.script}.ts) is not built${peer.round !== undefined ? ' or redis-server is not installed' : ''}.`,
    ),
  );
  for (const key of ['ws', 'ws-cork']) {
    const load = outcome.results.find((entry) => entry.peer.key === key)?.generatorLoad ?? [];
    if (load.some((value) => value > 0.9)) {
      notes.push(
        `The load generator used over 90% of its core on ${key}: echo ratios near 1 are compressed (the generator, not the server, sets the pace).`,
      );
    }
  }
  if (before !== undefined) {
    notes.push(`Rows marked "(before)" run the build in \`${before}\` in the same rounds.`);
  }
  if (hasRedisServer() && (!only || only.includes('gateway-redis'))) {
    log('redis routing: 4 adapter processes, per-room channels');
    const routing = await runRoutingRound();
    notes.push(
      `Redis per-room routing (4 adapter processes on one redis-server): ${routing.deliveriesPerSecond.toLocaleString('en-US')} cross-process deliveries/s; ` +
        `CPU of a process with no member in the room ${routing.idleCpuMsPer1000.toFixed(2)} ms per 1,000 broadcasts ` +
        `(with a member: ${routing.memberCpuMsPer1000.toFixed(1)} ms); fan-out factor ${routing.fanOutFactor.toFixed(2)} (target ≤ 1.2).`,
    );
  }
  notes.push(
    `${(outcome.verified + scale.verified).toLocaleString('en-US')} replies and broadcasts were verified (id and payload).`,
  );
  const args = process.argv.slice(2).join(' ');
  const command = `npm run bench${args ? ` -- ${args}` : ''}`;
  const report = renderReport(outcome.results, {
    plan,
    command,
    rounds,
    pinned: outcome.pinned,
    seconds: (Date.now() - started) / 1000,
    notes,
    scale: scale.steps,
    scaleNotes: scale.notes,
  });
  const directory = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'latest.md'), report);
  writeFileSync(
    join(directory, 'latest.svg'),
    renderChart(outcome.results, scale.steps, `${command}, ${rounds} interleaved rounds`),
  );
  console.log(report);
  const failed =
    outcome.results.some((entry) => entry.errors.length) ||
    scale.steps.some((step) => step.error !== undefined);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
