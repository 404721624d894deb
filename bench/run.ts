// `npm run bench [-- --quick] [-- --rounds N] [-- --only ws,gateway]`: runs the side-by-side
// benchmark and writes bench/results/latest.md (also printed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FULL_PLAN, QUICK_PLAN, runHarness } from './harness';
import { renderReport } from './report';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<number> {
  const quick = process.argv.includes('--quick');
  const rounds = Number(option('--rounds') ?? (quick ? 2 : 3));
  const only = option('--only')?.split(',');
  const started = Date.now();
  const plan = quick ? QUICK_PLAN : FULL_PLAN;
  const outcome = await runHarness({
    plan,
    rounds,
    only,
    log: (line) => console.error(line),
  });
  const notes = outcome.skipped.map(
    (peer) =>
      `${peer.label} not run: its server (bench/servers/${peer.script}.ts) is not built${peer.round === 'redis' ? ' or redis-server is not installed' : ''}.`,
  );
  const load = outcome.results.find((entry) => entry.peer.key === 'ws')?.generatorLoad ?? [];
  if (load.some((value) => value > 0.9)) {
    notes.push(
      'The load generator used over 90% of its core on raw ws: echo ratios near 1 are compressed.',
    );
  }
  notes.push(
    `${outcome.verified.toLocaleString('en-US')} replies and broadcasts were verified (id and payload).`,
  );
  const args = process.argv.slice(2).join(' ');
  const report = renderReport(outcome.results, {
    plan,
    command: `npm run bench${args ? ` -- ${args}` : ''}`,
    rounds,
    pinned: outcome.pinned,
    seconds: (Date.now() - started) / 1000,
    notes,
  });
  const directory = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'latest.md'), report);
  console.log(report);
  return outcome.results.some((entry) => entry.errors.length) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
