// Baseline: a bare `ws` server with the hand-written echo handler.
import { serveWsEcho } from './echo-handler';

serveWsEcho();
