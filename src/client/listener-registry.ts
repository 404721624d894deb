/**
 * The client's listeners by event name. A listener that throws does not stop the others or
 * the client; its error is rethrown asynchronously, as a DOM `EventTarget` reports it.
 */
export type Listener = (data: any) => void;

export class ListenerRegistry {
  readonly #listeners = new Map<string, Set<Listener>>();

  add(event: string, listener: Listener): void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
  }

  remove(event: string, listener: Listener): void {
    this.#listeners.get(event)?.delete(listener);
  }

  /** Calls every listener of `event`, in the order they were added. */
  dispatch(event: string, data: unknown): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(data);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
