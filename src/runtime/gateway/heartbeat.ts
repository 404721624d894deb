import type { WebSocket } from 'ws';

/**
 * Pings `socket` every `pingIntervalMs`; when a ping's pong does not come within
 * `pongTimeoutMs`, calls `onDead` once. Timers are unref'd. Returns the function that stops it.
 * An infinite interval turns the heartbeat off.
 */
export function startHeartbeat(
  socket: WebSocket,
  pingIntervalMs: number,
  pongTimeoutMs: number,
  onDead: () => void,
): () => void {
  if (pingIntervalMs === Infinity) return noop;
  let deadline: NodeJS.Timeout | undefined;
  const onPong = () => {
    clearTimeout(deadline);
    deadline = undefined;
  };
  const interval = setInterval(() => {
    if (deadline !== undefined) return;
    deadline = setTimeout(() => {
      stop();
      onDead();
    }, pongTimeoutMs).unref();
    socket.ping();
  }, pingIntervalMs).unref();
  socket.on('pong', onPong);
  const stop = () => {
    clearInterval(interval);
    clearTimeout(deadline);
    socket.off('pong', onPong);
  };
  return stop;
}

function noop(): void {}
