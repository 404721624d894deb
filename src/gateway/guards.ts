import type { Connection } from './connection';
import { isThenable } from './compiled-handler';

/** What a guard sees of a message: its connection, event and validated body. */
export interface GuardContext {
  readonly connection: Connection;
  readonly event: string;
  readonly body: unknown;
}

/**
 * Decides whether a message reaches its handler: return (or resolve) `true` to let it through.
 * Anything else answers the request with `forbidden`; a thrown `WsException` is sent as is.
 *
 * @example
 * const mustBeAdmin: Guard = ({ connection }) => connection.data.role === 'admin';
 */
export type Guard = (context: GuardContext) => boolean | PromiseLike<boolean>;

/**
 * Runs `guards` in order until one refuses. Stays synchronous while the guards are, so a
 * message behind synchronous guards is still answered in the same tick.
 */
export function runGuards(
  guards: readonly Guard[],
  context: GuardContext,
  from = 0,
): boolean | Promise<boolean> {
  for (let index = from; index < guards.length; index++) {
    const verdict = guards[index](context);
    if (isThenable(verdict)) {
      return Promise.resolve(verdict).then((allowed) =>
        allowed === true ? runGuards(guards, context, index + 1) : false,
      );
    }
    if (verdict !== true) return false;
  }
  return true;
}
