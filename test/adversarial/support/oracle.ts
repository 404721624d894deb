import { CloseCode, DEFAULT_LIMITS, WireErrorCode } from '../../../src';

/** Every error code a client may see from the built-in runtime. */
export const WIRE_CODES: readonly string[] = Object.values(WireErrorCode);

/** Every close code the server documents, plus 1007 (invalid UTF-8, refused by `ws` itself). */
export const CLOSE_CODES: readonly number[] = [...Object.values(CloseCode), 1007];

/** What the spec says must happen to one inbound frame, decided without the runtime's code. */
export type Expected =
  /** Not an object with a string `event` (or too deep, or binary): exactly one `bad_frame`. */
  | 'bad_frame'
  /** An envelope: handled by the gateway (reply, handler error or `unknown_event`). */
  | 'envelope'
  /** A string `event` with an `id` that is neither a string nor a finite number: the spec is silent. */
  | 'either';

/** Nesting depth of a parsed JSON value (the value itself is depth 1), without recursion. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Classifies a frame the way DESIGN.md's wire protocol does, for the default `maxDepth`. */
export function expectedFor(frame: string | Buffer, maxDepth = DEFAULT_LIMITS.maxDepth): Expected {
  if (Buffer.isBuffer(frame)) return 'bad_frame';
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return 'bad_frame';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'bad_frame';
  if (depthOf(parsed) > maxDepth) return 'bad_frame';
  const { event, id } = parsed as Record<string, unknown>;
  if (typeof event !== 'string') return 'bad_frame';
  if (id !== undefined && typeof id !== 'string' && !Number.isFinite(id)) return 'either';
  return 'envelope';
}
