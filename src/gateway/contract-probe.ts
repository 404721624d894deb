/**
 * How the test kit learns which events the gateway behind a test connection declares: it puts
 * a callback under `CONTRACT_PROBE` on the (injected) upgrade request, and the gateway that
 * accepts the connection calls it. A registered symbol, so the kit (src/testing/contract-check.ts
 * spells the same key) and another copy of this package agree; a real upgrade never has it.
 */
import type { GatewayDefinition } from '../definition';

export const CONTRACT_PROBE = Symbol.for('fastify-ws-gateway.contract-probe');

/** What the probe receives: the gateway's name and the events it may send. */
export interface GatewayContract {
  readonly gateway: string;
  /** `@Emits` events; empty when the gateway declares none (then nothing is checked). */
  readonly emits: readonly string[];
  /** `@OnMessage` events: replies to frames sent without id carry these names. */
  readonly messages: readonly string[];
}

export function reportContract(raw: object, definition: GatewayDefinition): void {
  const probe = (raw as { [CONTRACT_PROBE]?: unknown })[CONTRACT_PROBE];
  if (typeof probe !== 'function') return;
  (probe as (contract: GatewayContract) => void)({
    gateway: definition.name,
    emits: [...definition.emits.keys()],
    messages: [...definition.messages.keys()],
  });
}
