// The scale curve: idle connections by the thousand on raw ws, our gateway and socket.io,
// with heap and RSS per connection and the time to accept them. One fresh server process per
// server and size; sizes that need more open files than this machine allows are left out.
import { Child, canOpenFiles, fileHardLimit, scriptPath } from './children';
import type { Peer } from './peers';
import type { EchoCounts } from './protocol';
import { checkClean } from './scenarios';

/** Servers on the curve (peer keys). */
export const SCALE_PEERS = ['ws', 'gateway', 'socket.io'];

/** Source addresses the clients are spread over (127.0.0.1 … 127.0.0.8). */
const ADDRESSES = 8;

export interface ScaleStep {
  key: string;
  label: string;
  connections: number;
  /** Heap+external and RSS per connection (bytes), after a full GC. */
  heap: number;
  rss: number;
  /** Wall time to open every connection, 100 handshakes at a time. */
  acceptSeconds: number;
  error?: string;
}

export interface ScaleResult {
  steps: ScaleStep[];
  notes: string[];
  verified: number;
}

async function measure(peer: Peer, connections: number): Promise<ScaleStep> {
  const step: ScaleStep = {
    key: peer.key,
    label: peer.label,
    connections,
    heap: 0,
    rss: 0,
    acceptSeconds: 0,
  };
  const openFiles = connections + 1024;
  const server = new Child(peer.label, scriptPath('servers', peer.script), {
    cpu: 0,
    nodeArgs: ['--expose-gc'],
    openFiles,
  });
  const generator = new Child('load generator', scriptPath('load-generator'), {
    cpu: 1,
    openFiles,
    // socket.io's client keeps more per connection than the default old space allows at 50k.
    nodeArgs: ['--max-old-space-size=4096'],
  });
  try {
    const { port } = await server.ready;
    const before = await server.call<{ heap: number; rss: number }>('memoryDetail');
    const opened = await generator.call<EchoCounts & { lost: number; elapsedNs: number }>(
      'openIdle',
      { kind: peer.client, port, count: connections, batch: 100, addresses: ADDRESSES },
      600000,
    );
    checkClean(opened);
    const after = await server.call<{ heap: number; rss: number }>('memoryDetail', {}, 120000);
    step.heap = (after.heap - before.heap) / connections;
    step.rss = (after.rss - before.rss) / connections;
    step.acceptSeconds = opened.elapsedNs / 1e9;
    await generator.call('closeAll', {}, 600000);
  } catch (error) {
    step.error = error instanceof Error ? error.message : String(error);
  } finally {
    await Promise.all([server.stop(), generator.stop()]);
  }
  return step;
}

/** Runs every size on every server, sizes in increasing order, servers interleaved. */
export async function runScale(
  peers: readonly Peer[],
  sizes: readonly number[],
  log: (line: string) => void = () => {},
): Promise<ScaleResult> {
  const result: ScaleResult = { steps: [], notes: [], verified: 0 };
  for (const connections of sizes) {
    if (!canOpenFiles(connections + 1024)) {
      result.notes.push(
        `${connections.toLocaleString('en-US')} connections not run: a process here may open at most ${fileHardLimit()} files (the hard limit, which this user cannot raise), and one process must hold every connection.`,
      );
      continue;
    }
    for (const peer of peers) {
      const started = Date.now();
      const step = await measure(peer, connections);
      if (step.error === undefined) result.verified += connections;
      result.steps.push(step);
      log(
        `scale ${connections} ${peer.label} (${((Date.now() - started) / 1000).toFixed(1)} s): ${step.error ?? `heap=${Math.round(step.heap)} rss=${Math.round(step.rss)} accept=${step.acceptSeconds.toFixed(2)} s`}`,
      );
    }
  }
  return result;
}
