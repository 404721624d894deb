/**
 * Guards, interceptors, filters and pipes as users declare them (a function, a class resolved
 * through the container, or an instance), and their normal form: one plain function each,
 * resolved once when the app starts so the message path never looks them up.
 */
import type { Constructor, EnhancerRef, MessageContext } from '../definition';
import { Errors } from '../errors';

export type {
  CanActivate,
  ExceptionFilter,
  FilterRef,
  Guard,
  GuardContext,
  GuardRef,
  Interceptor,
  InterceptorRef,
} from '../definition';

export type GuardFn = (context: MessageContext) => unknown;
export type InterceptFn = (context: MessageContext, next: () => unknown) => unknown;
export type FilterFn = (error: unknown, context: MessageContext) => unknown;

/** Builds a class through the app's container (singleton per container). */
export type Resolve = (target: Constructor) => object;

/** The method each kind must have, and how an error names the kind. */
const SHAPES = {
  guard: { method: 'canActivate', signature: 'canActivate(ctx)' },
  interceptor: { method: 'intercept', signature: 'intercept(ctx, next)' },
  filter: { method: 'catch', signature: 'catch(error, ctx)' },
  pipe: { method: 'transform', signature: 'transform(value, meta)' },
} as const;
export type EnhancerShape = keyof typeof SHAPES;

/** True for a `class` declaration (which cannot be called), as opposed to a plain function. */
export function isClass(value: unknown): value is Constructor {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/**
 * Checks an enhancer's shape without building it: a class or instance needs its method; a plain
 * function is the method itself. `where` names the declaration (`@UseGuards on Chat.say`).
 */
export function checkEnhancer(shape: EnhancerShape, ref: EnhancerRef, where: string): void {
  const { method, signature } = SHAPES[shape];
  if (typeof ref === 'function' && !isClass(ref)) return;
  const holder = typeof ref === 'function' ? (ref.prototype as object) : ref;
  // `undefined` in a list (a class imported in a cycle, a typo) has no method to read.
  if (typeof (holder as Record<string, unknown> | null | undefined)?.[method] !== 'function') {
    throw Errors.INVALID_ENHANCER(where, describe(ref), shape, signature);
  }
}

/**
 * The enhancer as one function: a plain function as is, else its method bound to the instance
 * (a class is built through `resolve`, once).
 */
export function enhancerFunction(
  shape: EnhancerShape,
  ref: EnhancerRef,
  where: string,
  resolve: Resolve,
): (...args: never[]) => unknown {
  checkEnhancer(shape, ref, where);
  if (typeof ref === 'function' && !isClass(ref)) return ref as (...args: never[]) => unknown;
  const instance = isClass(ref) ? resolve(ref) : ref;
  const { method } = SHAPES[shape];
  const fn = (instance as Record<string, (...args: never[]) => unknown>)[method];
  return fn.bind(instance);
}

/** A short name for details and logs: the class's, the instance's class's, or the function's. */
export function enhancerName(ref: EnhancerRef): string {
  const named = typeof ref === 'function' ? ref : classOf(ref);
  return named?.name || 'anonymous';
}

function describe(ref: EnhancerRef): string {
  if (ref === null || ref === undefined) return String(ref);
  if (typeof ref === 'function') return ref.name || 'an anonymous class';
  const type = classOf(ref);
  return type === undefined || type === Object ? 'an object' : `an instance of ${type.name}`;
}

function classOf(instance: object): { readonly name: string } | undefined {
  return (Object.getPrototypeOf(instance) as { constructor?: { name: string } } | null)
    ?.constructor;
}
