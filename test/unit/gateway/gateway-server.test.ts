import type { WebSocket } from 'ws';
import { Connection, type ConnectionHost } from '../../../src/gateway/connection';
import { GatewayServer, type BroadcastTarget } from '../../../src/gateway/gateway-server';

function recordingTarget() {
  const broadcasts: unknown[][] = [];
  const connections = [{ id: 'c1' }] as Connection[];
  const target: BroadcastTarget = {
    broadcast: (...args) => broadcasts.push(args),
    fetchConnections: (room) => (room === undefined ? connections : []),
    clusterRequest: () => Promise.resolve([]),
  };
  return { target, broadcasts, connections };
}

describe('GatewayServer and its operators', () => {
  it('emits to every connection with no selection', () => {
    const { target, broadcasts } = recordingTarget();
    new GatewayServer(target).emit('hi', { n: 1 });
    expect(broadcasts).toEqual([['hi', { n: 1 }, [], [], []]]);
  });

  it('builds selections without changing the operator they start from', () => {
    const { target, broadcasts } = recordingTarget();
    const server = new GatewayServer(target);
    const muted = new Connection({} as ConnectionHost, {} as WebSocket, {}, {}, {});
    const red = server.to('red');
    red.to(['blue', 'green']).except('muted').except(muted).emit('x');
    red.emit('y');
    server.emit('z');
    expect(broadcasts).toEqual([
      ['x', undefined, ['red', 'blue', 'green'], ['muted'], [muted.id]],
      ['y', undefined, ['red'], [], []],
      ['z', undefined, [], [], []],
    ]);
  });

  it("answers fetchConnections from the target (this process's connections)", () => {
    const { target, connections } = recordingTarget();
    const server = new GatewayServer(target);
    expect(server.fetchConnections()).toBe(connections);
    expect(server.fetchConnections('red')).toEqual([]);
  });
});
