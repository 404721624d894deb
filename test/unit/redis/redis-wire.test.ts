import { channelKeys } from '../../../src/redis/channel-keys';
import { decodeFrame, encodeFrame, toBroadcast } from '../../../src/redis/redis-wire';
import { broadcast } from '../../support/recording-channel';

/** What Redis's publish script makes of a sender's message. */
const onChannel = (epoch: string, offset: number, message: string) =>
  `${epoch} ${offset}\n${message}`;

describe('redis wire format', () => {
  it('round-trips a text broadcast without re-escaping its payload', () => {
    const payload = '{"event":"said","data":"line\\nbreak"}\nraw newline';
    const message = encodeFrame('s1', 4, broadcast(payload, [], ['b'], ['c']));
    expect(message.endsWith(payload)).toBe(true);
    const frame = decodeFrame(onChannel('e1', 7, message))!;
    expect(frame).toMatchObject({ epoch: 'e1', offset: 7, header: { s: 's1', q: 4 } });
    expect(toBroadcast(frame, undefined)).toEqual(broadcast(payload, [], ['b'], ['c']));
  });

  it('round-trips a binary broadcast', () => {
    const frame = decodeFrame(
      onChannel('e', 1, encodeFrame('s1', 1, broadcast(Buffer.from([0, 10, 255])))),
    )!;
    expect(toBroadcast(frame, undefined).payload).toEqual(Buffer.from([0, 10, 255]));
  });

  it('hands each room’s copy of a multi-room emit to the members not in an earlier listed room', () => {
    const frame = decodeFrame(
      onChannel('e', 1, encodeFrame('s', 1, broadcast('x', ['a', 'b', 'c'], ['muted']))),
    )!;
    expect(toBroadcast(frame, 'a')).toEqual(broadcast('x', ['a'], ['muted']));
    expect(toBroadcast(frame, 'c')).toEqual(broadcast('x', ['c'], ['muted', 'a', 'b']));
    // A copy on a room the frame does not list (forged) selects that room's members only.
    expect(toBroadcast(frame, 'z')).toEqual(broadcast('x', ['z'], ['muted']));
  });

  it.each([
    ['no line break', 'hello'],
    ['no header line', 'e 1\nbody'],
    ['an offset that is not a number', 'e x\n{}\n'],
    ['offset 0', 'e 0\n{"s":"a","q":1,"r":[],"x":[],"i":[],"b":0}\n'],
    ['three words on the first line', 'e 1 2\n{"s":"a","q":1,"r":[],"x":[],"i":[],"b":0}\n'],
    ['an empty epoch', ' 1\n{"s":"a","q":1,"r":[],"x":[],"i":[],"b":0}\n'],
    ['a header that is not JSON', 'e 1\n{nope\n'],
    ['a header that is null', 'e 1\nnull\n'],
    ['a header without sender', 'e 1\n{"q":1,"r":[],"x":[],"i":[],"b":0}\n'],
    ['a header without sequence number', 'e 1\n{"s":"a","r":[],"x":[],"i":[],"b":0}\n'],
    ['rooms that are not strings', 'e 1\n{"s":"a","q":1,"r":[1],"x":[],"i":[],"b":0}\n'],
    ['no except list', 'e 1\n{"s":"a","q":1,"r":[],"i":[],"b":0}\n'],
    ['no except-ids list', 'e 1\n{"s":"a","q":1,"r":[],"x":[],"b":0}\n'],
  ])('refuses a message with %s', (_, message) => {
    expect(decodeFrame(message)).toBeUndefined();
  });
});

describe('channel keys', () => {
  it('gives a channel, its counter and its history one hash tag', () => {
    expect(channelKeys('chat', '/rooms/:room', 'a b{c}')).toEqual({
      channel: '{chat:/rooms/:room#a%20b%7Bc%7D}',
      meta: '{chat:/rooms/:room#a%20b%7Bc%7D}:meta',
      history: '{chat:/rooms/:room#a%20b%7Bc%7D}:history',
      room: 'a b{c}',
    });
    expect(channelKeys('chat', '/lobby').channel).toBe('{chat:/lobby}');
  });
});
