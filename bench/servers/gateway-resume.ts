// Our gateway with session resume on (sessions in memory, every default): each connection
// gets a session, every frame it is sent is numbered and kept until the client acknowledges it.
import { exitOnStartupError } from './control';
import { EchoGateway } from './echo-gateway';
import { startGateway } from './gateway-app';

startGateway(EchoGateway, { resume: true }).catch(exitOnStartupError);
