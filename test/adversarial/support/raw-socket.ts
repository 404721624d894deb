import { randomBytes } from 'node:crypto';
import { rawUpgrade } from '../../support/network';

export const Opcode = { Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;

/**
 * A client websocket frame built by hand (masked, as RFC 6455 requires of clients), so tests can
 * send what a well-behaved library refuses to: invalid UTF-8 in a text frame, bad opcodes…
 */
export function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const head = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = (fin ? 0x80 : 0) | (opcode & 0x0f);
  if (length < 126) head[1] = 0x80 | length;
  else if (length < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(length, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i % 4];
  return Buffer.concat([head, mask, masked]);
}

/** The close code of the first close frame the server sent, if one arrived. */
export function closeCodeIn(bytes: Buffer): number | undefined {
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = bytes[offset] & 0x0f;
    let length = bytes[offset + 1] & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (opcode === Opcode.Close && start + 2 <= bytes.length) return bytes.readUInt16BE(start);
    offset = start + length;
  }
  return undefined;
}

/**
 * Sends a websocket upgrade for `path` with exactly `headers` (no Host unless given) and
 * resolves with everything received until the server closed the connection.
 */
export async function rawUpgradeAnswer(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<string> {
  const { socket } = await rawUpgrade(port, path, { headers, upgraded: false });
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    // A 101 keeps the connection open: the answer is complete with its head.
    if (text.startsWith('HTTP/1.1 101') && text.includes('\r\n\r\n')) socket.destroy();
  });
  return new Promise((resolve) => socket.once('close', () => resolve(text)));
}
