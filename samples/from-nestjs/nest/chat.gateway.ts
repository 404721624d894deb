// The NestJS original: a ws gateway with a roles guard, a service from an async factory,
// afterInit and a parameter pipe. Its port is ../port/chat.gateway.ts.
import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import {
  Injectable,
  Module,
  ParseIntPipe,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  type Provider,
} from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { MessageStore } from '../message-store';

type ChatSocket = WebSocket & { role?: string };

export const Roles = (...roles: string[]) => SetMetadata('roles', roles);

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<string[] | undefined>('roles', [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles === undefined) return true;
    return roles.includes(context.switchToWs().getClient<ChatSocket>().role ?? '');
  }
}

@WebSocketGateway({ path: '/chat' })
@UseGuards(RolesGuard)
export class ChatGateway implements OnGatewayInit, OnGatewayConnection {
  private initialized = false;

  constructor(private readonly store: MessageStore) {}

  afterInit(): void {
    this.initialized = true;
  }

  handleConnection(client: ChatSocket, request: IncomingMessage): void {
    client.role =
      new URL(request.url ?? '/', 'http://localhost').searchParams.get('role') ?? 'member';
  }

  @SubscribeMessage('say')
  say(@MessageBody('text') text: string) {
    this.store.add(text);
    return { event: 'say', data: { ok: true } };
  }

  @SubscribeMessage('history')
  history(@MessageBody('count', ParseIntPipe) count: number) {
    return { event: 'history', data: this.store.last(count) };
  }

  @Roles('admin')
  @SubscribeMessage('clear')
  clear() {
    this.store.clear();
    return { event: 'clear', data: { cleared: true } };
  }

  @SubscribeMessage('info')
  info() {
    return { event: 'info', data: { initialized: this.initialized } };
  }
}

const storeProvider: Provider = { provide: MessageStore, useFactory: () => MessageStore.open() };

/** The module; tests pass another MessageStore provider (Nest's overrideProvider needs @nestjs/testing). */
@Module({})
export class ChatModule {
  static register(store: Provider = storeProvider): DynamicModule {
    return { module: ChatModule, providers: [ChatGateway, RolesGuard, store] };
  }
}

/** Starts the app on a free port of 127.0.0.1; resolves with the app and its ws:// base URL. */
export async function startNestChat(
  store?: Provider,
): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await NestFactory.create<NestFastifyApplication>(
    ChatModule.register(store),
    new FastifyAdapter(),
    { logger: false },
  );
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { app, url: `ws://127.0.0.1:${address.port}` };
}
