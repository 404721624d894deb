import { expect, test } from '@jest/globals';
import Fastify from 'fastify';
import { bootstrap } from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';
import { ChatGateway } from '../src/chat.gateway.js';

test('say is acknowledged and broadcast to the room', async () => {
  const app = Fastify();
  await bootstrap(app, [ChatGateway]);

  const ada = await connectGateway(app, '/chat/lobby');
  await expect(ada.request('say', { text: 'hi' })).resolves.toEqual({ ok: true });
  await expect(ada.next('said')).resolves.toEqual({ text: 'hi' });

  await expect(ada.request('say', { text: '' })).rejects.toMatchObject({
    code: 'validation_failed',
    details: [{ path: 'text' }],
  });

  await ada.close();
  await app.close();
});
