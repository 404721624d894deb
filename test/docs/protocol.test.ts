/**
 * The conversation in docs/protocol.md, replayed against the Quick start's gateway: each
 * "→" line is sent as written, and the "←" frames must arrive, in that order, as written.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { bootstrap } from 'fastify-ws-gateway';
import { ChatGateway } from '../../samples/quick-start/src/chat.gateway';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { codeBlocks } from './markdown';

let app: FastifyInstance;
afterEach(() => app?.close());

/** The exchange as steps: a raw frame to send, then the frames expected back. */
function conversation(): { send: string; expect: unknown[] }[] {
  const block = codeBlocks('docs/protocol.md').find((b) => b.code.startsWith('→ '))!;
  // A line that starts with spaces continues the frame above it.
  const lines = block.code.trimEnd().replace(/\n +/g, '').split('\n');
  const steps: { send: string; expect: unknown[] }[] = [];
  for (const line of lines) {
    if (line.startsWith('→ ')) steps.push({ send: line.slice(2), expect: [] });
    else steps.at(-1)!.expect.push(JSON.parse(line.slice(2)));
  }
  return steps;
}

test('docs/protocol.md: the conversation happens as written', async () => {
  app = Fastify();
  await bootstrap(app, [ChatGateway]);
  const client = await TestClient.open(`${await listen(app)}/chat/lobby`);
  const steps = conversation();
  expect(steps).toHaveLength(4);
  for (const step of steps) {
    client.send(step.send);
    for (const frame of step.expect) await expect(client.next()).resolves.toEqual(frame);
  }
  await client.close();
});
