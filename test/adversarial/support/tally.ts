import { within } from '../../support/waiting';

/** Values recorded by a gateway's handlers, which a test can wait on by count. */
export class Tally<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  add(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.waiters]) waiter();
  }

  get length(): number {
    return this.items.length;
  }

  count(item: T): number {
    return this.items.filter((each) => each === item).length;
  }

  /** Resolves once `condition` holds, checked now and after every `add`. */
  async until(
    condition: (items: readonly T[]) => boolean,
    ms: number,
    label: string,
  ): Promise<void> {
    let check = () => {};
    const reached = new Promise<void>((resolve) => {
      check = () => {
        if (condition(this.items)) resolve();
      };
    });
    this.waiters.add(check);
    check();
    try {
      await within(reached, ms, label);
    } finally {
      this.waiters.delete(check);
    }
  }

  /** Resolves once at least `count` items were added. */
  reach(count: number, ms: number, label: string): Promise<void> {
    return this.until((items) => items.length >= count, ms, `${label} (${count})`);
  }
}
