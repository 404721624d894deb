import { RedisServer, REDIS_MISSING_NOTICE, REDIS_PID_ENV, REDIS_PORT_ENV } from './redis-server';
import { hasRedisServer } from './system';

declare global {
  var fwgRedisServer: RedisServer | undefined;
}

// Starts shared services for the suite. Each service module adds itself here.
export default async function globalSetup(): Promise<void> {
  if (hasRedisServer()) {
    // One shared server; suites that kill Redis start their own on their own port.
    const server = await RedisServer.start();
    globalThis.fwgRedisServer = server;
    process.env[REDIS_PORT_ENV] = String(server.port);
    process.env[REDIS_PID_ENV] = String(server.pid);
  } else {
    process.stdout.write(`\n${REDIS_MISSING_NOTICE}\n`);
  }
}
