// socket.io 4: the echo is an acknowledgement, the idiomatic request/reply there.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { TICK_EVENT, tickData } from '../protocol';
import { exitOnStartupError, reportReady } from './control';

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => {
  socket.on('echo', (data: unknown, ack?: (reply: unknown) => void) => {
    if (typeof ack === 'function') ack(data);
  });
});
http.on('error', exitOnStartupError);
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (!address || typeof address === 'string') exitOnStartupError(new Error('no TCP address'));
  reportReady({ port: address.port, broadcast: (n) => io.emit(TICK_EVENT, tickData(n)) });
});
