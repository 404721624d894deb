import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { RedisAdapter } from 'fastify-ws-gateway/redis';
import { buildChatApp } from '../chat/app';

/**
 * One node of the Redis chat demo: the chat sample with a RedisAdapter, on PORT, talking to
 * REDIS_URL. Started twice by `main.ts`; run it alone to add a third node.
 */
async function main(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const name = process.env.NODE_NAME ?? 'node';
  // Two clients: a subscribed client cannot publish. They are ours to configure and to quit.
  const pub = new Redis(url);
  const sub = new Redis(url);
  // The adapter reports outages while the app runs; once app.close() released the clients they
  // are ours, and Ctrl-C may have stopped Redis already (it reaches redis-server too).
  for (const client of [pub, sub]) client.on('error', () => {});
  const adapter = new RedisAdapter({ pub, sub, prefix: 'chat' });
  const app = await buildChatApp({ logger: { level: 'info', base: { node: name } }, adapter });
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  process.send?.({ port });
  if (process.send === undefined)
    console.log(`${name}: ws://127.0.0.1:${port}/chat/lobby?name=you`);

  // Ctrl-C in a terminal sends SIGINT to every process of the group, and main.ts then sends
  // SIGTERM as well: whichever comes first stops the node, once.
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close(); // unsubscribes; the clients stay ours
      app.log.info({ stats: adapter.stats() }, 'Redis adapter stats');
      await Promise.all([quit(pub), quit(sub)]);
      process.disconnect?.();
    })().catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Ends a client gracefully; one that is already closed has nothing left to quit. */
async function quit(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
