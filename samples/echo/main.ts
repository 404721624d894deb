import 'reflect-metadata';
import Fastify from 'fastify';
import { bootstrap } from 'fastify-ws-gateway';
import { EchoGateway } from './echo.gateway';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  const app = Fastify({ logger: true });
  await bootstrap(app, [EchoGateway]);
  await app.listen({ port, host });
  console.log(`Echo gateway: ws://${host}:${port}/echo`);
  console.log('Try sending:  {"event":"echo","data":"hello","id":1}');
  process.once('SIGINT', () => void app.close());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
