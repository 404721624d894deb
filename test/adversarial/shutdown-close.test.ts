import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import WebSocket from 'ws';
import { bootstrap, Gateway, OnClose, OnConnect } from '../../src';
import { until } from '../support/waiting';

const lifecycle: string[] = [];

@Gateway('/plain')
class PlainGateway {
  @OnConnect() enter(): void {
    lifecycle.push('connect');
  }
  @OnClose() leave(): void {
    lifecycle.push('close');
  }
}

@Gateway('/resumable', { resume: true })
class ResumableGateway extends PlainGateway {}

/**
 * A client that drops just before `app.close()`: the drain sends 1001 to a socket whose FIN is
 * not read yet, and waits for its 'close', so its @OnClose runs before `app.close()` resolves
 * (and before the providers' `onClose()`, which docs/providers.md says runs after the
 * connections closed).
 */
describe('app.close() and a client that dropped a moment before', () => {
  it.each(['/plain', '/resumable'])(
    '%s: @OnClose has run when app.close() resolves',
    async (path) => {
      lifecycle.length = 0;
      const app = Fastify();
      await bootstrap(app, [PlainGateway, ResumableGateway]);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as AddressInfo).port;
      const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
      socket.on('error', () => undefined);
      await until(() => lifecycle.length === 1);
      socket.terminate();
      await app.close();
      const atClose = [...lifecycle];
      await until(() => lifecycle.length === 2);
      expect(atClose).toEqual(['connect', 'close']);
    },
  );
});

@Gateway('/slow-close')
class SlowCloseGateway {
  @OnClose() async leave(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    lifecycle.push('slow close done');
  }
}

describe('app.close() and an async @OnClose', () => {
  it('waits for it to finish before resolving', async () => {
    lifecycle.length = 0;
    const app = Fastify();
    await bootstrap(app, [SlowCloseGateway]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/slow-close`);
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('open', resolve));
    await app.close();
    expect(lifecycle).toEqual(['slow close done']);
  });
});
