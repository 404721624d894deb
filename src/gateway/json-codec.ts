/**
 * The default codec: one JSON text frame per message, `{"event":"say","data":{…},"id":7}`.
 * Decoding never throws and never recurses, so hostile frames cost at most one linear scan.
 */
import type { Codec, DecodeFailure, DecodeResult, OutboundFrame } from './codec';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const OPENERS = ['{', '['] as const;

const BAD_FRAME: DecodeFailure = Object.freeze({ ok: false });

/**
 * True when `text` nests arrays/objects deeper than `maxDepth`, counting brackets outside
 * strings (escapes honoured). Runs before `JSON.parse` so a deep frame is refused unparsed.
 *
 * @example
 * exceedsDepth('{"event":"x","data":{}}', 1); // true: the envelope counts, depth is 2
 */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  // Text with no more openers than maxDepth cannot nest deeper: skip the scan (most frames).
  if (!hasMoreOpenersThan(text, maxDepth)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      // A stray closer makes the text invalid JSON, which JSON.parse rejects at that point.
      depth--;
    }
  }
  return false;
}

// indexOf runs natively, several times faster than a charCodeAt loop over the same text.
function hasMoreOpenersThan(text: string, limit: number): boolean {
  let count = 0;
  for (const opener of OPENERS) {
    for (let at = text.indexOf(opener); at !== -1; at = text.indexOf(opener, at + 1)) {
      if (++count > limit) return true;
    }
  }
  return false;
}

function isValidId(id: unknown): id is string | number | undefined {
  return id === undefined || typeof id === 'string' || Number.isFinite(id);
}

function decode(data: Buffer, isBinary: boolean, maxDepth: number): DecodeResult {
  if (isBinary) return BAD_FRAME;
  const text = data.toString('utf8');
  if (exceedsDepth(text, maxDepth)) return BAD_FRAME;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return BAD_FRAME;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return BAD_FRAME;
  const { event, data: body, id } = parsed as Record<string, unknown>;
  if (!isValidId(id)) return BAD_FRAME;
  if (typeof event !== 'string') return id === undefined ? BAD_FRAME : { ok: false, id };
  return { ok: true, frame: id === undefined ? { event, data: body } : { event, data: body, id } };
}

function encode(frame: OutboundFrame): string {
  // JSON.stringify(undefined) is undefined; a missing reply is sent as data null.
  const data = frame.data === undefined ? 'null' : (JSON.stringify(frame.data) ?? 'null');
  const head = '{"event":' + JSON.stringify(frame.event) + ',"data":' + data;
  return frame.id === undefined ? head + '}' : head + ',"id":' + JSON.stringify(frame.id) + '}';
}

/**
 * JSON codec (the default). `decode` fails, without throwing, on binary frames, frames deeper
 * than `maxDepth`, unparsable text and anything but an object with a string `event` (keeping a
 * readable string or finite-number `id`); `encode` throws only on data JSON cannot represent
 * (BigInt, cycles).
 *
 * @example
 * jsonCodec.encode({ event: 'said', data: { text: 'hi' }, id: 7 });
 * // '{"event":"said","data":{"text":"hi"},"id":7}'
 */
export const jsonCodec: Codec = Object.freeze({ binary: false, decode, encode });
