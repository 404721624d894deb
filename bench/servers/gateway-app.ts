// Serves one of our echo gateways on Fastify and wires the broadcast trigger to the
// `GatewayServer` the gateway was constructed with.
import 'reflect-metadata';
import Fastify from 'fastify';
import { bootstrap, type BootstrapOptions, type GatewayServer } from 'fastify-ws-gateway';
import { TICK_EVENT, tickData } from '../protocol';
import { reportReady } from './control';

/** Set by the echo gateways' constructors: the broadcaster a user would inject. */
export const broadcaster: { server?: GatewayServer } = {};

/** No peer rate-limits, so ours runs without that limit; every other limit is the default. */
export const BENCH_LIMITS = { ratePerSecond: Infinity };

export async function startGateway(
  gateway: new (...args: never[]) => unknown,
  options: BootstrapOptions = {},
): Promise<void> {
  const app = Fastify();
  await bootstrap(app, [gateway], options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  reportReady({
    port: address.port,
    broadcast: (n) => {
      if (!broadcaster.server) throw new Error('the gateway was not constructed yet');
      broadcaster.server.emit(TICK_EVENT, tickData(n));
    },
  });
}
