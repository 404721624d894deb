// The port of ../nest/chat.gateway.ts: same behaviour, on fastify-ws-gateway.
import 'reflect-metadata';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  ConnectedSocket,
  Gateway,
  MessageBody,
  OnConnect,
  OnMessage,
  ParseIntPipe,
  Query,
  SetMetadata,
  UseGuards,
  bootstrap,
  type CanActivate,
  type Connection,
  type MessageContext,
  type Provider,
} from 'fastify-ws-gateway';
import { MessageStore } from '../message-store';

export const Roles = (...roles: string[]) => SetMetadata('roles', roles);

export class RolesGuard implements CanActivate {
  canActivate(ctx: MessageContext): boolean {
    const roles = ctx.getMetadata<string[]>('roles');
    if (roles === undefined) return true;
    return roles.includes(String(ctx.connection.data.role));
  }
}

@Gateway('/chat')
@UseGuards(RolesGuard)
export class ChatGateway {
  private initialized = false;

  constructor(private readonly store: MessageStore) {}

  afterInit(): void {
    this.initialized = true;
  }

  @OnConnect()
  join(@ConnectedSocket() conn: Connection, @Query('role') role?: string): void {
    conn.data.role = role ?? 'member';
  }

  @OnMessage('say')
  say(@MessageBody('text') text: string) {
    this.store.add(text);
    return { ok: true };
  }

  @OnMessage('history')
  history(@MessageBody('count', ParseIntPipe) count: number) {
    return this.store.last(count);
  }

  @Roles('admin')
  @OnMessage('clear')
  clear() {
    this.store.clear();
    return { cleared: true };
  }

  @OnMessage('info')
  info() {
    return { initialized: this.initialized };
  }
}

export const providers: Provider[] = [
  { provide: MessageStore, useFactory: () => MessageStore.open() },
];

/** The app, not yet listening. */
export async function buildChatApp(): Promise<FastifyInstance> {
  const app = Fastify();
  await bootstrap(app, [ChatGateway], { providers });
  return app;
}
