/**
 * Type tests of `connectGateway<Events>()`: compiled by `tsc --noEmit -p tsconfig.json`;
 * every `@ts-expect-error` line must fail to compile.
 */
import type { FastifyInstance } from 'fastify';
import { connectGateway, type CloseResult, type ErrorFrameData } from 'fastify-ws-gateway/testing';

interface ChatEvents {
  say: { request: { text: string }; reply: { ok: true } };
  leave: { request: void };
  said: { push: { user: string; text: string } };
}

declare function expectType<T>(value: T): void;

export async function typedKit(app: FastifyInstance): Promise<void> {
  const client = await connectGateway<ChatEvents>(app, '/chat/a', {
    headers: { authorization: 'x' },
    query: { name: 'ada', age: 3, admin: false },
  });
  expectType<{ ok: true }>(await client.request('say', { text: 'hi' }));
  // @ts-expect-error "text" must be a string
  await client.request('say', { text: 1 });
  // @ts-expect-error "yell" is not an event of ChatEvents
  await client.request('yell', {});
  client.emit('leave');
  expectType<string>((await client.next('said')).text);
  expectType<ErrorFrameData>(await client.next('error'));
  // @ts-expect-error "say" is never pushed by the server
  await client.next('say');
  expectType<CloseResult>(await client.closed);
  expectType<number>((await client.close()).code);
  // @ts-expect-error query values are strings, numbers or booleans
  await connectGateway(app, '/chat/a', { query: { tags: ['a'] } });
}

export async function untypedKit(app: FastifyInstance): Promise<void> {
  const client = await connectGateway(app, '/echo');
  const anything: string = await client.request('echo', 1);
  const pushed: number = await client.next('whatever');
  expectType<string>(anything);
  expectType<number>(pushed);
}
