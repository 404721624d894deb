export default async function globalTeardown(): Promise<void> {
  // Stops the shared redis-server by pid (global setup ran in this same process).
  await globalThis.fwgRedisServer?.stop();
}
