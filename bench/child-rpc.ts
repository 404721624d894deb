// The child side of the harness's IPC: answers named commands, and exits with its parent
// so an interrupted run never leaves servers or generators behind.
import { isRpcRequest, type RpcReply } from './protocol';

export type RpcHandlers = Record<
  string,
  (args: Record<string, unknown>) => unknown | Promise<unknown>
>;

/** Answers the parent's `{ rpc, cmd, args }` messages with `handlers[cmd](args)`. */
export function serveRpc(handlers: RpcHandlers): void {
  if (!process.send) throw new Error('bench: this script runs as a child of bench/run.js');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message) => {
    if (!isRpcRequest(message)) return;
    const handler = Object.hasOwn(handlers, message.cmd) ? handlers[message.cmd] : undefined;
    const reply = (body: Omit<RpcReply, 'rpc'>): void => {
      if (process.connected) process.send!({ rpc: message.rpc, ...body });
    };
    if (!handler) return reply({ error: `unknown command "${message.cmd}"` });
    Promise.resolve()
      .then(() => handler(message.args ?? {}))
      .then(
        (result) => reply({ result: result ?? null }),
        (error: unknown) =>
          reply({ error: error instanceof Error ? error.message : String(error) }),
      );
  });
}
