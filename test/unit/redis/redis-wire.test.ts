import {
  decodeMessage,
  encodeControl,
  encodeData,
  toBroadcast,
  type DataHeader,
} from '../../../src/redis/redis-wire';
import { broadcast } from '../../support/recording-channel';

describe('redis wire format', () => {
  it('round-trips a text broadcast without re-escaping its payload', () => {
    const payload = '{"event":"said","data":"line\\nbreak"}\nraw newline';
    const message = encodeData('s1', 4, 1000, broadcast(payload, ['a'], ['b'], ['c']));
    expect(message.endsWith(payload)).toBe(true);
    const decoded = decodeMessage(message)!;
    expect(decoded.header).toMatchObject({ t: 'd', s: 's1', n: 4, a: 1000 });
    expect(toBroadcast(decoded.header as DataHeader, decoded.body)).toEqual(
      broadcast(payload, ['a'], ['b'], ['c']),
    );
  });

  it('round-trips a binary broadcast', () => {
    const decoded = decodeMessage(encodeData('s1', 1, 0, broadcast(Buffer.from([0, 10, 255]))))!;
    expect(toBroadcast(decoded.header as DataHeader, decoded.body).payload).toEqual(
      Buffer.from([0, 10, 255]),
    );
  });

  it('reads control messages', () => {
    expect(decodeMessage(encodeControl({ t: 'h', s: 's2', n: 9, q: 1 }))).toEqual({
      header: { t: 'h', s: 's2', n: 9, q: 1 },
      body: '',
    });
  });

  it.each([
    ['no header line', 'hello'],
    ['a header that is not JSON', '{nope\n'],
    ['a header without sender', '{"t":"d","n":1}\n'],
    ['a header without sequence number', '{"t":"d","s":"x"}\n'],
    ['a JSON null header', 'null\n'],
  ])('ignores what is not ours: %s', (_, message) => {
    expect(decodeMessage(message)).toBeUndefined();
  });
});
