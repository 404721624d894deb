// `node dist-samples/bench/profile.js [server] [seconds] [echo|broadcast|connect]`: runs one
// load against one bench server started with `--cpu-prof`, then prints where its CPU time went
// (self time per function, ours marked). The .cpuprofile is kept for Chrome DevTools.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Child, scriptPath } from './children';
import { PEERS } from './peers';
import type { EchoCounts } from './protocol';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const root = join(__dirname, '..', '..');

function describe(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? relative(root, url.replace(/^file:\/\//, '')) : '(native)';
  return `${file}:${lineNumber + 1} ${functionName || '(anonymous)'}`;
}

/**
 * Share of the busy samples per function (summed over its profile nodes). Counts samples
 * rather than time deltas (a descheduled process stretches a delta) and leaves out idle
 * samples and those before `fromUs` (the startup; profile and hrtime share one clock).
 */
function selfTimes(profile: Profile, fromUs: number): { name: string; share: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let all = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (at < fromUs) return;
    const name = describe(byId.get(id)!);
    if (name.endsWith('(idle)')) return;
    totals.set(name, (totals.get(name) ?? 0) + 1);
    all++;
  });
  return [...totals]
    .map(([name, time]) => ({ name, share: time / all }))
    .sort((a, b) => b.share - a.share);
}

async function main(): Promise<void> {
  const key = process.argv[2] ?? 'gateway';
  const seconds = Number(process.argv[3] ?? 5);
  const peer = PEERS.find((candidate) => candidate.key === key && !candidate.round);
  if (!peer)
    throw new Error(`unknown server "${key}"; one of ${PEERS.map((p) => p.key).join(', ')}`);
  const directory = mkdtempSync(join(tmpdir(), 'fwg-profile-'));
  const server = new Child(peer.label, scriptPath('servers', peer.script), {
    cpu: 0,
    nodeArgs: ['--expose-gc', '--cpu-prof', `--cpu-prof-dir=${directory}`],
  });
  const generator = new Child('load generator', scriptPath('load-generator'), { cpu: 1 });
  const scenario = process.argv[4] ?? 'echo';
  let fromUs = 0;
  try {
    const { port } = await server.ready;
    const target = { kind: peer.client, port };
    if (scenario === 'broadcast') {
      await generator.call('open', { ...target, count: 200, batch: 50 });
      const burst = async (): Promise<void> => {
        await generator.call('armTicks', { perClient: 200 });
        await server.call('broadcast', { count: 200 });
        await generator.call('waitTicks', { timeoutMs: 30000 });
      };
      for (let warm = 0; warm < 5; warm++) await burst();
      fromUs = Number(process.hrtime.bigint() / 1000n);
      let bursts = 0;
      for (const end = Date.now() + seconds * 1000; Date.now() < end; bursts++) await burst();
      console.log(`${peer.label}: ${bursts} bursts of 200 broadcasts to 200 clients`);
    } else if (scenario === 'connect') {
      await generator.call('connectClose', { ...target, count: 500, batch: 50 });
      fromUs = Number(process.hrtime.bigint() / 1000n);
      let rounds = 0;
      for (const end = Date.now() + seconds * 1000; Date.now() < end; rounds++) {
        await generator.call('connectClose', { ...target, count: 500, batch: 50 }, 120000);
      }
      console.log(`${peer.label}: ${rounds * 500} connections opened and closed`);
    } else {
      await generator.call('echoStart', { ...target, connections: 50, inFlight: 16 });
      await delay(1000); // warm-up, left out of the profile
      fromUs = Number(process.hrtime.bigint() / 1000n);
      await delay(seconds * 1000);
      const totals = await generator.call<EchoCounts & { lost: number }>('echoStop');
      console.log(
        `${peer.label}: ${totals.replies} replies in ${seconds} s, ${totals.mismatches} mismatched, ${totals.lost} lost`,
      );
    }
  } finally {
    await generator.stop();
    await server.exit();
  }
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written to ${directory}`);
  const profile: Profile = JSON.parse(readFileSync(join(directory, file), 'utf8'));
  const skippedUs = fromUs - profile.startTime;
  if (skippedUs < 0 || skippedUs > 120e6) console.warn(`clock mismatch: ${skippedUs} µs`);
  console.log(`profile: ${join(directory, file)}\n\nshare of busy samples (self time)`);
  const times = selfTimes(profile, fromUs);
  const groups = new Map<string, number>();
  for (const { name, share } of times) {
    const group = name.startsWith('dist/')
      ? 'fastify-ws-gateway (dist/)'
      : name.startsWith('node_modules/')
        ? name
            .split('/')
            .slice(0, name.startsWith('node_modules/@') ? 3 : 2)
            .join('/')
        : name.startsWith('node:')
          ? 'node internals'
          : name.startsWith('(native)')
            ? 'native (syscalls, GC, program)'
            : 'bench server code';
    groups.set(group, (groups.get(group) ?? 0) + share);
  }
  console.log('by origin:');
  for (const [group, share] of [...groups].sort((a, b) => b[1] - a[1])) {
    console.log(`${(share * 100).toFixed(1).padStart(6)}%   ${group}`);
  }
  console.log('');
  console.log('by function (* = fastify-ws-gateway):');
  for (const { name, share } of times.slice(0, 40)) {
    const ours = name.startsWith('dist/') ? '*' : ' ';
    console.log(`${(share * 100).toFixed(1).padStart(6)}% ${ours} ${name}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
