import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Path of a program on PATH, or undefined when it is not installed. */
export function which(program: string): string | undefined {
  try {
    return execFileSync('which', [program], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function hasRedisServer(): boolean {
  return which('redis-server') !== undefined;
}

export const CHROMIUM_PATH = '/usr/bin/chromium';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}
