import 'reflect-metadata';
import Fastify from 'fastify';
import { bootstrap } from 'fastify-ws-gateway';
import { ChatGateway } from './chat.gateway.js';

async function main() {
  const app = Fastify({ logger: true });
  await bootstrap(app, [ChatGateway]);
  await app.listen({ port: Number(process.env.PORT ?? 3000) });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
