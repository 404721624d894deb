import type { ValidatorOptions } from 'class-validator';
import type { GatewayDefinition, Guard, HandlerDefinition } from '../definition';
import { compileArguments, type ArgumentBuilder } from './argument-builder';
import { compileBodyValidator, type BodyValidator } from './validation';

/** A handler ready for the hot path: everything that depends only on its definition is done. */
export interface CompiledHandler {
  /** `ChatGateway.say`, for logs. */
  readonly label: string;
  readonly method: (...args: unknown[]) => unknown;
  readonly buildArguments: ArgumentBuilder;
  /** Present when the body has a DTO class. */
  readonly validate: BodyValidator | undefined;
  /** Present when the handler has `@UseGuards`. */
  readonly guards: readonly Guard[] | undefined;
}

/** Compiles one handler of `gateway` once, at bootstrap. */
export function compileHandler(
  gateway: GatewayDefinition,
  handler: HandlerDefinition,
  validatorOptions: ValidatorOptions | undefined,
): CompiledHandler {
  return {
    label: `${gateway.name}.${handler.member}`,
    method: (gateway.target.prototype as Record<string, (...args: unknown[]) => unknown>)[
      handler.member
    ],
    buildArguments: compileArguments(handler.params),
    // An explicit `{ body: Dto }` is the event's contract even when the handler ignores the body.
    validate:
      handler.bodyType === undefined
        ? undefined
        : compileBodyValidator(handler.bodyType, validatorOptions),
    guards: handler.guards,
  };
}
