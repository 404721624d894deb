// Our gateway with one no-op global interceptor: the cost of the pipeline's wrapping alone.
import { type Interceptor, type MessageContext } from 'fastify-ws-gateway';
import { exitOnStartupError } from './control';
import { EchoGateway } from './echo-gateway';
import { startGateway } from './gateway-app';

class PassThrough implements Interceptor {
  intercept(_context: MessageContext, next: () => unknown): unknown {
    return next();
  }
}

startGateway(EchoGateway, { interceptors: [PassThrough] }).catch(exitOnStartupError);
