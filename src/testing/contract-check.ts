/**
 * Declared and actual must not drift: when the gateway behind a test connection declares any
 * `@Emits`, a server frame whose event it does not declare fails the test. The gateway reports
 * its declared events through a callback on the injected upgrade request (the key is spelled
 * as in src/gateway/contract-probe.ts: a registered symbol both sides derive from one string).
 */
const CONTRACT_PROBE = Symbol.for('fastify-ws-gateway.contract-probe');

interface GatewayContract {
  readonly gateway: string;
  readonly emits: readonly string[];
  readonly messages: readonly string[];
}

/** Raised by the test kit when the gateway sends an event it does not declare with `@Emits`. */
export class UndeclaredEventError extends Error {
  constructor(
    readonly gateway: string,
    readonly event: string,
    declared: readonly string[],
  ) {
    super(
      `${gateway} sent "${event}", which it does not declare: add @Emits(${JSON.stringify(event)}, Dto) to ${gateway} or fix the event name (declared: ${declared.map((name) => JSON.stringify(name)).join(', ')})`,
    );
    this.name = 'UndeclaredEventError';
  }
}

export class ContractCheck {
  #contract: GatewayContract | undefined;

  /** Properties to add to the upgrade request so the accepting gateway reports its contract. */
  probe(): Record<symbol, unknown> {
    return {
      [CONTRACT_PROBE]: (contract: GatewayContract) => {
        this.#contract = contract;
      },
    };
  }

  /** The error a frame of `event` from the server breaks the contract with, if it does. */
  check(event: string): UndeclaredEventError | undefined {
    const contract = this.#contract;
    if (contract === undefined || contract.emits.length === 0) return undefined;
    // error frames and `$`-prefixed protocol events are the runtime's, not the gateway's.
    if (event === 'error' || event.startsWith('$')) return undefined;
    if (contract.emits.includes(event) || contract.messages.includes(event)) return undefined;
    return new UndeclaredEventError(contract.gateway, event, contract.emits);
  }
}
