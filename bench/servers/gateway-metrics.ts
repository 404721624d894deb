// Our gateway recording Prometheus metrics into a prom-client registry.
import { Registry } from 'prom-client';
import { exitOnStartupError } from './control';
import { EchoGateway } from './echo-gateway';
import { startGateway } from './gateway-app';

startGateway(EchoGateway, { metrics: { registry: new Registry() } }).catch(exitOnStartupError);
