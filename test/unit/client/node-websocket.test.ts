import WebSocket from 'ws';
import { defaultWebSocket } from 'fastify-ws-gateway/client/node-websocket';

describe('defaultWebSocket', () => {
  const global = globalThis as { WebSocket?: unknown };
  const original = global.WebSocket;
  afterEach(() => {
    global.WebSocket = original;
  });

  test('uses the global WebSocket where Node has one', () => {
    class NativeWebSocket {}
    global.WebSocket = NativeWebSocket;
    expect(defaultWebSocket()).toBe(NativeWebSocket);
  });

  test('falls back to the ws package without one', () => {
    delete global.WebSocket;
    expect(defaultWebSocket()).toBe(WebSocket);
  });
});
