// Our gateway: `@OnMessage('echo')` returns the body; the reply carries the request id.
import { exitOnStartupError } from './control';
import { EchoGateway } from './echo-gateway';
import { startGateway } from './gateway-app';

startGateway(EchoGateway).catch(exitOnStartupError);
