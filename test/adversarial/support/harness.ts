import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { ClientOptions } from 'ws';
import { Gateway, MessageBody, OnMessage, bootstrap } from '../../../src';
import type { Constructor } from '../../../src/definition';
import { TestClient, uniqueId } from '../../support/test-client';
import { within } from '../../support/waiting';

/** The well-behaved neighbour every case checks on: an echo gateway with default limits. */
export const POLITE_PATH = '/polite';

/** How fast a polite client must still be answered while another peer misbehaves. */
export const PROMPT_MS = 1_000;

@Gateway(POLITE_PATH)
export class PoliteGateway {
  @OnMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return body;
  }
}

export type BootstrapOptions = NonNullable<Parameters<typeof bootstrap>[2]>;

export interface Harness {
  readonly app: FastifyInstance;
  readonly port: number;
  /** A polite client connected before the case starts; it must never notice the attack. */
  readonly polite: TestClient;
  url(path: string): string;
  /** Opens a client on `path`; every client opened here is closed by `close()`. */
  client(path: string, options?: ClientOptions): Promise<TestClient>;
  /**
   * Proves the server still serves others: the long-lived polite client and a fresh one both
   * get an echo back within `PROMPT_MS`, and the listening socket is still up.
   */
  expectPolitePrompt(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a real server on an ephemeral port with the polite gateway next to `gateways`. */
export async function startHarness(
  gateways: Constructor[],
  options?: BootstrapOptions,
): Promise<Harness> {
  const app = Fastify({ logger: false });
  await bootstrap(app, [PoliteGateway, ...gateways], options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const url = (path: string) => `ws://127.0.0.1:${port}${path}`;
  const clients = new Set<TestClient>();
  const client = async (path: string, clientOptions?: ClientOptions) => {
    const opened = new TestClient(url(path), clientOptions);
    clients.add(opened);
    await within(opened.opened, 5_000, `opening ${path}`);
    return opened;
  };
  const polite = await client(POLITE_PATH);
  let probe = 0;

  const echoesPromptly = async (target: TestClient) => {
    const data = { probe: ++probe };
    const reply = await target.request('echo', data, uniqueId(), PROMPT_MS);
    expect(reply).toMatchObject({ event: 'echo', data });
  };

  return {
    app,
    port,
    polite,
    url,
    client,
    async expectPolitePrompt() {
      expect(app.server.listening).toBe(true);
      await echoesPromptly(polite);
      const fresh = await within(client(POLITE_PATH), PROMPT_MS, 'a fresh polite connection');
      await echoesPromptly(fresh);
      await fresh.close();
      clients.delete(fresh);
    },
    async close() {
      for (const open of clients) open.socket.terminate();
      await app.close();
    },
  };
}
