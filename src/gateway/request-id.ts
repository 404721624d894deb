/**
 * Upgrade request ids as a connection keeps them for its log lines. Fastify's default ids,
 * `req-` and a base-36 counter, are kept as the counter: a number costs an idle connection no
 * string. Any other id (a custom `genReqId`, a request id header) is kept as it came.
 */
export type CompactRequestId = number | string;

const PREFIX = 'req-';
/** Fastify's counter wraps at 2^31, six base-36 digits: exact as a number, and a small integer. */
const MAX_DIGITS = 6;

export function compactRequestId(id: string): CompactRequestId {
  const { length } = id;
  if (length <= PREFIX.length || length > PREFIX.length + MAX_DIGITS || !id.startsWith(PREFIX)) {
    return id;
  }
  // A leading zero would not come back from toString(36): "req-0" alone has one.
  if (id.charCodeAt(PREFIX.length) === 0x30 && length > PREFIX.length + 1) return id;
  let counter = 0;
  for (let i = PREFIX.length; i < length; i++) {
    const digit = base36Digit(id.charCodeAt(i));
    if (digit < 0) return id;
    counter = counter * 36 + digit;
  }
  return counter;
}

/** The id as the request had it. */
export function requestIdText(id: CompactRequestId): string {
  return typeof id === 'number' ? `${PREFIX}${id.toString(36)}` : id;
}

/** 0-9 and lower-case a-z (what toString(36) writes); -1 for anything else. */
function base36Digit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 10;
  return -1;
}
