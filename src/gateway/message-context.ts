import type { Constructor } from '../definition';
import type { Connection } from './connection';

/**
 * What guards, interceptors and filters see of one message.
 *
 * @example
 * const isAdmin = (ctx: MessageContext) => ctx.getMetadata<string[]>('roles')?.includes('admin');
 */
export interface MessageContext {
  readonly connection: Connection;
  readonly event: string;
  /** The request id, when the client sent one. */
  readonly id: string | number | undefined;
  /** The validated body (the raw one while validation has not passed yet). */
  readonly body: unknown;
  /** The gateway class. */
  readonly gateway: Constructor;
  /** The handler's method name. */
  readonly handler: string;
  /** A `SetMetadata` value: the handler's, else the gateway class's. */
  getMetadata<T = unknown>(key: unknown): T | undefined;
}
