import { clusterChannels, decodeClusterMessage } from '../../../src/redis/cluster-wire';
import { heartbeatMs } from '../../../src/redis/cluster-bus';

const selection = { rooms: ['a'], exceptRooms: [], exceptIds: ['x'] };

describe('cluster wire', () => {
  it('names a request channel per path and a reply channel per node, each one hash tag', () => {
    const names = clusterChannels('app', '/c/:room', 'n1');
    expect(names).toMatchObject({ requests: '{app:cluster:/c/:room}', own: '{app:node:n1}' });
    expect(names.replies('n2')).toBe('{app:node:n2}');
  });

  it('reads every message it writes', () => {
    const messages = [
      { v: 1, t: 'hb', n: 'a' },
      { v: 1, t: 'bye', n: 'a' },
      { v: 1, t: 'req', n: 'a', c: 1, to: ['b'], r: { op: 'event', event: 'e', data: [1] } },
      { v: 1, t: 'req', n: 'a', c: 2, to: [], r: { op: 'fetch', selection } },
      { v: 1, t: 'req', n: 'a', c: 3, to: [], r: { op: 'join', selection, room: 'r' } },
      { v: 1, t: 'req', n: 'a', c: 4, to: [], r: { op: 'leave', selection, room: 'r' } },
      { v: 1, t: 'req', n: 'a', c: 5, to: [], r: { op: 'disconnect', selection } },
      {
        v: 1,
        t: 'req',
        n: 'a',
        c: 6,
        to: [],
        r: { op: 'disconnect', selection, code: 4000, reason: 'x' },
      },
      { v: 1, t: 'res', c: 1, a: { node: 'b', ok: true, value: 2 } },
      { v: 1, t: 'res', c: 1, a: { node: 'b', ok: true } },
      { v: 1, t: 'res', c: 1, a: { node: 'b', ok: false, error: { name: 'E', message: 'm' } } },
    ];
    for (const message of messages) {
      expect(decodeClusterMessage(JSON.stringify(message))).toEqual(message);
    }
  });

  it('refuses anything else', () => {
    const bad = [
      'not json',
      'null',
      '[]',
      '{"v":2,"t":"hb","n":"a"}',
      '{"v":1,"t":"hb","n":""}',
      '{"v":1,"t":"hb","n":3}',
      '{"v":1,"t":"what","n":"a"}',
      '{"v":1,"t":"req","n":"a","c":0,"to":[],"r":{"op":"event","event":"e"}}',
      '{"v":1,"t":"req","n":"a","c":1.5,"to":[],"r":{"op":"event","event":"e"}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":"b","r":{"op":"event","event":"e"}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[1],"r":{"op":"event","event":"e"}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"event","event":""}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":null}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"drop"}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"fetch"}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"fetch","selection":{"rooms":[],"exceptRooms":[]}}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"fetch","selection":{"rooms":[],"exceptIds":[],"exceptRooms":[2]}}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"join","selection":{"rooms":[],"exceptRooms":[],"exceptIds":[]}}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"leave","room":"r"}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"disconnect","selection":{"rooms":[],"exceptRooms":[],"exceptIds":[]},"code":"x"}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"disconnect","selection":{"rooms":[],"exceptRooms":[],"exceptIds":[]},"reason":4}}',
      '{"v":1,"t":"req","n":"a","c":1,"to":[],"r":{"op":"disconnect"}}',
      '{"v":1,"t":"res","c":1,"a":null}',
      '{"v":1,"t":"res","c":1,"a":{"node":"","ok":true}}',
      '{"v":1,"t":"res","c":"1","a":{"node":"b","ok":true}}',
      '{"v":1,"t":"res","c":1,"a":{"node":"b","ok":"yes"}}',
      '{"v":1,"t":"res","c":1,"a":{"node":"b","ok":false}}',
      '{"v":1,"t":"res","c":1,"a":{"node":"b","ok":false,"error":{"name":1,"message":"m"}}}',
      '{"v":1,"t":"res","c":1,"a":{"node":"b","ok":false,"error":{"name":"E"}}}',
    ];
    for (const text of bad) expect(decodeClusterMessage(text)).toBeUndefined();
  });

  it('beats four times per timeout, between 10 ms and 1 s', () => {
    expect(heartbeatMs(5000)).toBe(1000);
    expect(heartbeatMs(1000)).toBe(250);
    expect(heartbeatMs(8)).toBe(10);
  });
});
