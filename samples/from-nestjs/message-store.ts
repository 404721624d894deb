/** The chat's history: opened asynchronously, as a database pool would be. Shared by both versions. */
export class MessageStore {
  constructor(private readonly messages: string[] = []) {}

  static async open(): Promise<MessageStore> {
    await new Promise((resolve) => setImmediate(resolve));
    return new MessageStore();
  }

  add(text: string): void {
    this.messages.push(text);
  }

  last(count: number): string[] {
    return this.messages.slice(-count);
  }

  clear(): void {
    this.messages.length = 0;
  }
}
