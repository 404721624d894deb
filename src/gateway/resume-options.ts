import type { FastifyRequest } from 'fastify';
import { Errors } from '../errors';

/** `resume` of `@Gateway(path, { resume })` and of `bootstrap()`: how dropped sessions are kept. */
export interface ResumeOptions {
  /** How long a dropped session waits for its client (ms). Default 120000. */
  readonly maxDisconnectionMs?: number;
  /** Frames kept for one session the client has not acknowledged; beyond it the resume fails cleanly. Default 1000. */
  readonly maxFrames?: number;
  /** The principal of an upgrade (e.g. the user id an auth hook set); a resume needs the same value. */
  readonly identify?: (request: FastifyRequest) => unknown;
}

/** Resume settings after defaults, as the runtime uses them. */
export interface ResolvedResume {
  readonly maxDisconnectionMs: number;
  readonly maxFrames: number;
  readonly identify: ((request: FastifyRequest) => unknown) | undefined;
}

export const DEFAULT_RESUME = Object.freeze({ maxDisconnectionMs: 120_000, maxFrames: 1000 });

/** The gateway's own `resume` wins over bootstrap's; `undefined` means resume is off. */
export function resolveResume(
  owner: string,
  global: boolean | ResumeOptions | undefined,
  own: boolean | ResumeOptions | undefined,
): ResolvedResume | undefined {
  const chosen = own ?? global;
  if (chosen === undefined || chosen === false) return undefined;
  if (chosen === true) return { ...DEFAULT_RESUME, identify: undefined };
  // Anything but a boolean or an object was refused by the @Gateway and bootstrap() tables.
  const { maxDisconnectionMs = DEFAULT_RESUME.maxDisconnectionMs } = chosen;
  const { maxFrames = DEFAULT_RESUME.maxFrames, identify } = chosen;
  checkCount(owner, 'maxDisconnectionMs', maxDisconnectionMs);
  checkCount(owner, 'maxFrames', maxFrames);
  if (identify !== undefined && typeof identify !== 'function') {
    throw Errors.INVALID_ARGUMENT(owner, 'resume.identify must be a function of the request');
  }
  return { maxDisconnectionMs, maxFrames, identify };
}

function checkCount(owner: string, key: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw Errors.INVALID_ARGUMENT(owner, `resume.${key} must be a positive integer`);
  }
}
