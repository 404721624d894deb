// The NestJS chat gateway and its port answer the same conversation the same way, and both
// take an overridden MessageStore in a test.
import type { FastifyInstance } from 'fastify';
import { createTestingApp } from 'fastify-ws-gateway/testing';
import { MessageStore } from '../../samples/from-nestjs/message-store';
import { startNestChat } from '../../samples/from-nestjs/nest/chat.gateway';
import { ChatGateway, buildChatApp } from '../../samples/from-nestjs/port/chat.gateway';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';

type Answer = { ok: true; data: unknown } | { ok: false };

/** One side's client: `ask` sends a message and says whether it was answered, and with what. */
interface Chat {
  ask(event: string, data: unknown): Promise<Answer>;
  close(): Promise<unknown>;
}

/**
 * Nest's ws adapter sends nothing for a refused or failed message (its exception filter emits
 * on the server-side socket object). So after each message the client pings: the server
 * handles the message (its guards, pipes and handler settle within the same turn here) before
 * it reads the ping, so any answer arrives before the pong.
 */
async function nestChat(url: string, role: string): Promise<Chat> {
  const client = await TestClient.open(`${url}/chat?role=${role}`);
  return {
    async ask(event, data) {
      client.send({ event, data });
      await client.roundTrip();
      const index = client.unread.findIndex((frame) => frame.event === event);
      if (index === -1) return { ok: false };
      const [frame] = client.unread.splice(index, 1);
      return { ok: true, data: frame.data };
    },
    close: () => client.close(),
  };
}

let nextId = 0;
async function portChat(url: string, role: string): Promise<Chat> {
  const client = await TestClient.open(`${url}/chat?role=${role}`);
  return {
    async ask(event, data) {
      const reply = await client.request(event, data, ++nextId);
      return reply.event === 'error' ? { ok: false } : { ok: true, data: reply.data };
    },
    close: () => client.close(),
  };
}

type Side = {
  name: string;
  start(fake?: MessageStore): Promise<{ url: string; close(): Promise<unknown> }>;
  open(url: string, role: string): Promise<Chat>;
};

const sides: Side[] = [
  {
    name: 'NestJS original',
    async start(fake) {
      const { app, url } = await startNestChat(
        fake === undefined ? undefined : { provide: MessageStore, useValue: fake },
      );
      return { url, close: () => app.close() };
    },
    open: nestChat,
  },
  {
    name: 'fastify-ws-gateway port',
    async start(fake) {
      const app: FastifyInstance =
        fake === undefined
          ? await buildChatApp()
          : await createTestingApp({
              gateways: [ChatGateway],
              overrides: [{ provide: MessageStore, useValue: fake }],
            });
      const url = await listen(app);
      return { url, close: () => app.close() };
    },
    open: portChat,
  },
];

describe.each(sides)('chat gateway: $name', (side) => {
  it('runs afterInit, stores what members say, and pipes the history count through ParseIntPipe', async () => {
    const server = await side.start();
    const member = await side.open(server.url, 'member');
    await expect(member.ask('info', {})).resolves.toEqual({
      ok: true,
      data: { initialized: true },
    });
    await expect(member.ask('say', { text: 'hi' })).resolves.toEqual({
      ok: true,
      data: { ok: true },
    });
    await member.ask('say', { text: 'there' });
    await expect(member.ask('history', { count: '1' })).resolves.toEqual({
      ok: true,
      data: ['there'],
    });
    await expect(member.ask('history', { count: 'many' })).resolves.toEqual({ ok: false });
    await member.close();
    await server.close();
  });

  it('lets only admins clear the history (@Roles metadata read by a class guard)', async () => {
    const server = await side.start();
    const member = await side.open(server.url, 'member');
    const admin = await side.open(server.url, 'admin');
    await member.ask('say', { text: 'keep' });
    await expect(member.ask('clear', {})).resolves.toEqual({ ok: false });
    await expect(member.ask('history', { count: 5 })).resolves.toEqual({
      ok: true,
      data: ['keep'],
    });
    await expect(admin.ask('clear', {})).resolves.toEqual({ ok: true, data: { cleared: true } });
    await expect(member.ask('history', { count: 5 })).resolves.toEqual({ ok: true, data: [] });
    await member.close();
    await admin.close();
    await server.close();
  });

  it('takes an overridden MessageStore in a test', async () => {
    const server = await side.start(new MessageStore(['from the fake']));
    const member = await side.open(server.url, 'member');
    await expect(member.ask('history', { count: 1 })).resolves.toEqual({
      ok: true,
      data: ['from the fake'],
    });
    await member.close();
    await server.close();
  });
});
