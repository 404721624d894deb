/**
 * Type tests of `connect<Events>()` and `connectGateway<Events>()`: compiled by
 * `tsc --noEmit -p tsconfig.json`; every `@ts-expect-error` line must fail to compile.
 */
import WebSocket from 'ws';
import { connect, type WsClient, type WsClientError } from 'fastify-ws-gateway/client';

interface ChatEvents {
  say: { request: { text: string }; reply: { ok: true } };
  ping: { request: void; reply: 'pong' };
  typing: { request: { on: boolean } };
  said: { push: { user: string; text: string; at: string } };
  joined: { push: { user: string; members: string[] } };
}

declare function expectType<T>(value: T): void;

export async function typedClient(): Promise<void> {
  const client: WsClient<ChatEvents> = connect<ChatEvents>('ws://localhost/chat/a', {
    WebSocket,
  });

  const reply = await client.request('say', { text: 'hi' });
  expectType<{ ok: true }>(reply);
  // @ts-expect-error the reply of "say" is { ok: true }, not a string
  expectType<string>(await client.request('say', { text: 'hi' }));
  expectType<'pong'>(await client.request('ping'));

  // @ts-expect-error "shout" is not an event of ChatEvents
  await client.request('shout', { text: 'hi' });
  // @ts-expect-error "text" must be a string
  await client.request('say', { text: 1 });
  // @ts-expect-error "say" needs its data
  await client.request('say');
  // @ts-expect-error "said" is pushed by the server, the client cannot request it
  await client.request('said', { user: 'a', text: 'b', at: 'c' });

  client.emit('typing', { on: true });
  // @ts-expect-error "on" must be a boolean
  client.emit('typing', { on: 'yes' });

  client.on('said', (said) => expectType<string>(said.text));
  // @ts-expect-error pushed "said" has no "members"
  client.on('said', (said) => said.members);
  // @ts-expect-error "say" is not pushed by the server
  client.on('say', () => {});
  client.on('close', ({ code, reason, willReconnect }) => {
    expectType<number>(code);
    expectType<string>(reason);
    expectType<boolean>(willReconnect);
  });
  client.on('reconnecting', ({ attempt, delayMs }) => expectType<number>(attempt + delayMs));
  client.on('error', (error) => expectType<WsClientError>(error));
  const off = client.on('open', () => {});
  off();
}

export async function untypedClient(): Promise<void> {
  const client = connect('ws://localhost/echo');
  const anything: number = await client.request('whatever', { a: 1 });
  client.emit('anything');
  client.on('custom', (data) => expectType<number>(data));
  client.on('close', ({ code }) => expectType<number>(code));
  // @ts-expect-error close listeners get CloseInfo, not a string
  client.on('close', (info: string) => info);
  expectType<number>(anything);
}

export function constructors(): void {
  connect('ws://localhost/a', { WebSocket: globalThis.WebSocket });
  connect('ws://localhost/a', { WebSocket: WebSocket });
  // @ts-expect-error reconnect takes a boolean or backoff settings
  connect('ws://localhost/a', { reconnect: 'yes' });
}
