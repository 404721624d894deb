import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Where each adversarial test file leaves its figures; `figures-reporter.js` sums them. */
export const FIGURES_DIR = join(
  __dirname,
  '..',
  '..',
  '..',
  'test-artifacts',
  'adversarial-figures',
);

export interface Figures {
  /** Frames sent by hostile or fuzzing peers. */
  frames: number;
  /** Largest settled heap growth measured, in bytes. */
  heapGrowthBytes: number;
  /** What was tried as an attacker, one short phrase each; the figures line lists them. */
  tried: string[];
}

/** Adds to this test file's figures (read back, summed and printed by the reporter). */
export function recordFigures(testPath: string, add: Partial<Figures>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, basename(testPath) + '.json');
  let current: Figures = { frames: 0, heapGrowthBytes: 0, tried: [] };
  try {
    current = JSON.parse(readFileSync(file, 'utf8')) as Figures;
  } catch {
    // first figures of this file
  }
  writeFileSync(
    file,
    JSON.stringify({
      frames: current.frames + (add.frames ?? 0),
      heapGrowthBytes: Math.max(current.heapGrowthBytes, add.heapGrowthBytes ?? 0),
      tried: [...new Set([...(current.tried ?? []), ...(add.tried ?? [])])],
    }),
  );
}

let gc: (() => void) | undefined;

/** A real garbage collection: jest does not run with --expose-gc, so the flag is set here. */
function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

/** Bytes held by the process after a full GC: JS heap plus Buffers (socket queues live there). */
export function settledMemory(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

export const MiB = 1024 * 1024;
