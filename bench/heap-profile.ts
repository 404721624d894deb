// `node dist-samples/bench/heap-profile.js [server] [connections]`: what one idle connection
// keeps alive on a bench server. Takes heap snapshots (after GC) before and after opening
// the connections and prints the per-connection difference by object kind, plus the
// retainer path of one upgrade `IncomingMessage` if the server still holds any.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child, scriptPath } from './children';
import { PEERS } from './peers';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[]];
      edge_fields: string[];
      edge_types: [string[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Snapshot nodes read through the field layout the snapshot declares. */
class HeapGraph {
  private readonly nodeWidth: number;
  private readonly edgeWidth: number;
  private readonly field: Record<string, number>;

  constructor(private readonly data: Snapshot) {
    const { meta } = data.snapshot;
    this.nodeWidth = meta.node_fields.length;
    this.edgeWidth = meta.edge_fields.length;
    this.field = Object.fromEntries(meta.node_fields.map((name, index) => [name, index]));
  }

  get count(): number {
    return this.data.nodes.length / this.nodeWidth;
  }

  private value(node: number, name: string): number {
    return this.data.nodes[node * this.nodeWidth + this.field[name]];
  }

  kind(node: number): string {
    const type = this.data.snapshot.meta.node_types[0][this.value(node, 'type')];
    return `${type}:${this.data.strings[this.value(node, 'name')].slice(0, 60)}`;
  }

  size(node: number): number {
    return this.value(node, 'self_size');
  }

  /** Count and bytes per object kind. */
  summary(): Map<string, { count: number; bytes: number }> {
    const kinds = new Map<string, { count: number; bytes: number }>();
    for (let node = 0; node < this.count; node++) {
      const entry = kinds.get(this.kind(node)) ?? { count: 0, bytes: 0 };
      entry.count++;
      entry.bytes += this.size(node);
      kinds.set(this.kind(node), entry);
    }
    return kinds;
  }

  /** Shortest strong retainer path from a GC root to `target`, as printable lines. */
  retainerPath(target: number): string[] {
    const { edges, strings } = this.data;
    const edgeTypes = this.data.snapshot.meta.edge_types[0];
    const retainers: [number, string][][] = Array.from({ length: this.count }, () => []);
    let edge = 0;
    for (let node = 0; node < this.count; node++) {
      const end = edge + this.value(node, 'edge_count') * this.edgeWidth;
      for (; edge < end; edge += this.edgeWidth) {
        const type = edgeTypes[edges[edge]];
        if (type === 'weak') continue;
        const label =
          type === 'element' || type === 'hidden'
            ? `[${edges[edge + 1]}]`
            : strings[edges[edge + 1]];
        retainers[edges[edge + 2] / this.nodeWidth].push([node, `${type}:${label}`]);
      }
    }
    const previous = new Map<number, [number, string] | null>([[target, null]]);
    const queue = [target];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head];
      if (/\(GC roots\)|\(Global handles\)/.test(this.kind(node))) {
        const lines: string[] = [];
        for (let at = node; at !== target;) {
          const [child, label] = previous.get(at)!;
          lines.push(`${this.kind(at)} --${label}-->`);
          at = child;
        }
        return [...lines, this.kind(target)];
      }
      for (const [retainer, label] of retainers[node]) {
        if (!previous.has(retainer)) {
          previous.set(retainer, [node, label]);
          queue.push(retainer);
        }
      }
    }
    return ['(no strong path from a GC root)'];
  }

  find(kind: string): number[] {
    const found: number[] = [];
    for (let node = 0; node < this.count; node++) if (this.kind(node) === kind) found.push(node);
    return found;
  }
}

async function main(): Promise<void> {
  const key = process.argv[2] ?? 'gateway';
  const connections = Number(process.argv[3] ?? 500);
  const peer = PEERS.find((candidate) => candidate.key === key && !candidate.round);
  if (!peer)
    throw new Error(`unknown server "${key}"; one of ${PEERS.map((p) => p.key).join(', ')}`);
  const directory = mkdtempSync(join(tmpdir(), 'fwg-heap-'));
  const server = new Child(peer.label, scriptPath('servers', peer.script), {
    cpu: 0,
    nodeArgs: ['--expose-gc'],
  });
  const generator = new Child('load generator', scriptPath('load-generator'), { cpu: 1 });
  let files: string[];
  try {
    const { port } = await server.ready;
    const before = await server.call<string>('heapSnapshot', {
      path: join(directory, 'before.heapsnapshot'),
    });
    await generator.call('open', { kind: peer.client, port, count: connections, batch: 100 });
    const after = await server.call<string>('heapSnapshot', {
      path: join(directory, 'after.heapsnapshot'),
    });
    files = [before, after];
  } finally {
    await Promise.all([generator.stop(), server.stop()]);
  }
  const [before, after] = files.map(
    (file) => new HeapGraph(JSON.parse(readFileSync(file, 'utf8'))),
  );
  const base = before.summary();
  const rows = [...after.summary()]
    .map(([kind, { count, bytes }]) => {
      const old = base.get(kind) ?? { count: 0, bytes: 0 };
      return {
        kind,
        count: (count - old.count) / connections,
        bytes: (bytes - old.bytes) / connections,
      };
    })
    .filter((row) => Math.abs(row.bytes) >= 8)
    .sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(
    `${peer.label}: ~${Math.round(total)} bytes of JS heap per idle connection (${connections} connections); snapshots in ${directory}\n`,
  );
  for (const row of rows.slice(0, 30)) {
    console.log(
      `${Math.round(row.bytes).toString().padStart(6)} B  ${row.count.toFixed(2).padStart(6)} ×  ${row.kind}`,
    );
  }
  const requests = after.find('object:IncomingMessage');
  if (requests.length >= connections) {
    console.log(`\n${requests.length} upgrade requests are still alive; one is held by:`);
    for (const line of after.retainerPath(requests[requests.length - 1])) console.log(`  ${line}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
