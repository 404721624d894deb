import type { AddressInfo } from 'node:net';
import { buildChatApp } from './app';

/** `npm run demo`: the chat sample on PORT (3000) / HOST (127.0.0.1); Ctrl-C stops it. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  const app = await buildChatApp({ logger: { level: 'info' } });
  await app.listen({ port, host });
  const { port: bound } = app.server.address() as AddressInfo;
  const origin = `${host.includes(':') ? `[${host}]` : host}:${bound}`;
  console.log(`Chat page:    http://${origin}/`);
  console.log(`WebSocket:    ws://${origin}/chat/lobby?name=you`);
  console.log(`AsyncAPI:     http://${origin}/asyncapi.json`);
  console.log(`Try sending:  {"event":"say","data":{"text":"hi"},"id":1}`);
  console.log(`(The first frame is $session: sessions resume, see docs/session-resume.md.)`);
  process.once('SIGINT', () => {
    console.log('Closing…');
    void app.close();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
