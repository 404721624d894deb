// `node dist-samples/bench/instructions.js [server …]`: the echo load against each bench server
// run under `valgrind --tool=callgrind`, and the machine instructions the server executes per
// reply (all its threads, user space). Unlike time, the count barely moves when the machine is
// busy, so it settles differences of a few percent that throughput rounds on a shared machine
// cannot. It leaves out the kernel's share (system calls), which every server pays alike.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Child, canPin, scriptPath } from './children';
import { PEERS } from './peers';
import type { EchoCounts } from './protocol';

const WARMUP_MS = 6000;
const MEASURE_MS = 10000;
const DEFAULT_SERVERS = ['gateway', 'gateway-interceptor', 'gateway-metrics', 'gateway-resume'];

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `script` under callgrind (pinned to core 0 when possible); resolves with its port. */
function startUnderCallgrind(
  script: string,
  out: string,
): Promise<{ proc: ChildProcess; port: number }> {
  const valgrind = ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`];
  const node = [process.execPath, '--expose-gc', scriptPath('servers', script)];
  const [command, ...args] = canPin()
    ? ['taskset', '-c', '0', ...valgrind, ...node]
    : [...valgrind, ...node];
  const proc = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) =>
      reject(new Error(`${script} exited (${code}) before it was ready`)),
    );
    proc.on('message', (message: { ready?: boolean; port?: number }) => {
      if (message.ready === true) resolve({ proc, port: message.port as number });
    });
  });
}

/** Instructions per echo reply of one server: counters zeroed after the warm-up, dumped after. */
async function measure(key: string): Promise<number> {
  const peer = PEERS.find((candidate) => candidate.key === key);
  if (peer === undefined) throw new Error(`unknown server "${key}"`);
  const out = join(tmpdir(), `fwg-callgrind-${key}-${process.pid}.out`);
  const { proc, port } = await startUnderCallgrind(peer.script, out);
  const gen = new Child('gen', scriptPath('load-generator'), { cpu: 1 });
  try {
    await gen.call('echoStart', { kind: peer.client, port, connections: 50, inFlight: 16 });
    await delay(WARMUP_MS);
    // taskset and valgrind exec in place: the child's pid is the server's.
    const control = (command: string): void => {
      execFileSync('callgrind_control', [command, String(proc.pid)], { stdio: 'ignore' });
    };
    control('-z');
    const start = await gen.call<EchoCounts>('echoMark');
    await delay(MEASURE_MS);
    const end = await gen.call<EchoCounts>('echoMark');
    control('-d');
    await gen.call('echoStop', { resumeCheck: false });
    const dumps = readdirSync(tmpdir()).filter((file) => file.startsWith(`${basename(out)}.`));
    const text = readFileSync(join(tmpdir(), dumps.sort().at(-1) as string), 'utf8');
    const total = Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1]);
    return total / (end.replies - start.replies);
  } finally {
    await gen.stop();
    proc.kill();
    for (const file of readdirSync(tmpdir()).filter((name) => name.startsWith(basename(out)))) {
      rmSync(join(tmpdir(), file), { force: true });
    }
  }
}

async function main(): Promise<void> {
  const servers = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_SERVERS;
  const counts: [string, number][] = [];
  for (const key of servers) counts.push([key, await measure(key)]);
  const [, base] = counts[0];
  console.log(`| server | instructions per echo reply | against ${counts[0][0]} |`);
  console.log('|---|---:|---:|');
  for (const [key, count] of counts) {
    console.log(
      `| ${key} | ${Math.round(count).toLocaleString('en-US')} | ${(base / count).toFixed(2)}× |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
