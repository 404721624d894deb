import { isThenable } from './thenable';
import type { GuardFn } from './enhancers';
import type { MessageContext } from './message-context';

/**
 * Runs `guards` in order until one refuses (returns anything but `true`). Stays synchronous
 * while the guards are, so a message behind synchronous guards is still answered in the same tick.
 */
export function runGuards(
  guards: readonly GuardFn[],
  context: MessageContext,
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
