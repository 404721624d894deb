import type { InterceptorRef } from '../definition';
import { enhancerDecorator } from './enhancer-list';

/**
 * Wraps `@OnMessage` handlers (every one of a class, or one method) in interceptors:
 * `intercept(ctx, next)` may act before and after `next()`, map the reply, or answer without
 * calling `next`. Classes are resolved through the container. Global interceptors run
 * outermost, then the class's, then the method's.
 *
 * @example
 * class Timing implements Interceptor {
 *   async intercept(ctx: MessageContext, next: () => unknown) {
 *     const start = Date.now();
 *     try { return await next(); } finally { console.log(ctx.event, Date.now() - start); }
 *   }
 * }
 * @UseInterceptors(Timing) @OnMessage('say') say(body: SayDto) {}
 */
export function UseInterceptors(
  ...interceptors: InterceptorRef[]
): ClassDecorator & MethodDecorator {
  return enhancerDecorator(
    'interceptors',
    '@UseInterceptors',
    'interceptor classes (intercept), instances or functions',
    interceptors,
  );
}
