// Client connections of the load generator: one shape over a `ws` socket speaking our echo
// protocol and over a socket.io socket using acknowledgements.
import { WebSocket } from 'ws';
import { io } from 'socket.io-client';
import { isIntact, readFrame, type BenchClient, type ClientEvents } from './echo-frames';
import { ECHO_PATH, PAYLOAD_S, TICK_EVENT, echoFrame, type ClientKind } from './protocol';
import { openResumable } from './resumable-client';

export type { BenchClient, ClientEvents } from './echo-frames';

function openWs(
  port: number,
  events: ClientEvents,
  localAddress: string | undefined,
): Promise<BenchClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${ECHO_PATH}`, {
    perMessageDeflate: false,
    skipUTF8Validation: true,
    localAddress,
  });
  socket.on('message', (raw) => readFrame(raw.toString(), events));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const client: BenchClient = {
    echo: (id) => socket.send(echoFrame(id)),
    close: () => {
      socket.close();
      return closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.on('error', reject); // after open, a late error is followed by 'close'
  });
}

function openSocketIo(
  port: number,
  events: ClientEvents,
  localAddress: string | undefined,
): Promise<BenchClient> {
  // engine.io-client passes `localAddress` on to `ws` in Node; its types leave it out.
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    ...({ localAddress } as object),
    reconnection: false,
    forceNew: true,
  });
  socket.on(TICK_EVENT, (data: { n?: unknown }) => {
    if (typeof data?.n === 'number') events.tick(data.n);
    else events.stray();
  });
  const client: BenchClient = {
    echo: (id) =>
      socket.emit('echo', { n: id, s: PAYLOAD_S }, (reply: { n?: unknown; s?: unknown }) =>
        events.reply(id, isIntact(reply, id)),
      ),
    close: () =>
      new Promise((resolve) => {
        if (socket.disconnected) return resolve();
        socket.once('disconnect', () => resolve());
        socket.disconnect();
      }),
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', reject);
  });
}

/** Opens one connection to the bench server on `port`, from `localAddress` when given (a
 * 127.0.0.x: each source address has its own ephemeral ports, so large runs do not run out). */
export function openClient(
  kind: ClientKind,
  port: number,
  events: ClientEvents,
  localAddress?: string,
): Promise<BenchClient> {
  if (kind === 'ws-resume') return openResumable(port, events, localAddress);
  return kind === 'ws'
    ? openWs(port, events, localAddress)
    : openSocketIo(port, events, localAddress);
}
