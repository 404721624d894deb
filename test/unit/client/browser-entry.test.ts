import * as browser from 'fastify-ws-gateway/client/browser-entry';
import * as node from 'fastify-ws-gateway/client';

describe('the browser entry', () => {
  test('has the same exports as fastify-ws-gateway/client', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
    for (const name of Object.keys(node) as (keyof typeof node)[]) {
      if (name !== 'connect') expect(browser[name]).toBe(node[name]);
    }
  });

  test("connects with the browser's own WebSocket", () => {
    const global = globalThis as { WebSocket?: unknown };
    const original = global.WebSocket;
    const opened: string[] = [];
    global.WebSocket = class {
      readyState = 0;
      constructor(url: string) {
        opened.push(url);
      }
      close() {}
    };
    try {
      const client = browser.connect('ws://example.test/chat', { reconnect: false });
      expect(opened).toEqual(['ws://example.test/chat']);
      void client.close();
    } finally {
      global.WebSocket = original;
    }
  });
});
