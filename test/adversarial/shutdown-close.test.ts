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
 * KNOWN BUG (found by the attack on resume, not fixed here): a client that drops just before
 * `app.close()` has its @OnClose run after `app.close()` resolved, so after the providers'
 * `onClose()` that docs/providers.md promises runs "after the connections closed". The drain
 * sends 1001 to a socket whose FIN is not read yet, and nothing waits for its 'close'.
 * `it.failing` passes while the bug is there; remove `.failing` with the fix.
 */
describe('app.close() and a client that dropped a moment before', () => {
  it.failing.each(['/plain', '/resumable'])(
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
