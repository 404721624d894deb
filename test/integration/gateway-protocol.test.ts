import Fastify, { type FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import {
  IsInt,
  IsString,
  Length,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Transform, Type } from 'class-transformer';
import {
  Gateway,
  OnMessage,
  MessageBody,
  ConnectedSocket,
  WsException,
  bootstrap,
  jsonCodec,
  type Codec,
  type Connection,
} from 'fastify-ws-gateway';
import { listen } from '../support/network';
import { TestClient } from '../support/test-client';
import { deferred } from '../support/waiting';

class AddressDto {
  @IsString() @Length(2, 40) city!: string;
}
class ProfileDto {
  @IsString() @Length(1, 10) name!: string;
  @IsInt() @Min(0) age!: number;
  @ValidateNested() @Type(() => AddressDto) address!: AddressDto;
}
class ExplodingDto {
  @Transform(() => {
    throw new Error('transform failed');
  })
  @IsString()
  value!: string;
}

@ValidatorConstraint({ name: 'isFreeName', async: true })
class IsFreeName implements ValidatorConstraintInterface {
  async validate(value: unknown): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    return value !== 'taken';
  }
  defaultMessage(): string {
    return 'name is taken';
  }
}
class ClaimDto {
  @IsString() @Validate(IsFreeName) name!: string;
}

const held = new Map<string, ReturnType<typeof deferred<unknown>>>();

@Gateway('/proto')
class ProtocolGateway {
  @OnMessage('echo') echo(body: unknown) {
    return body;
  }
  @OnMessage('nothing') nothing() {}
  @OnMessage('later') async later(body: { wait: string; value: unknown }) {
    const gate = deferred<unknown>();
    held.set(body.wait, gate);
    await gate.promise;
    return body.value;
  }
  @OnMessage('profile') profile(@MessageBody() body: ProfileDto) {
    return { isDto: body instanceof ProfileDto, name: body.name, city: body.address.city };
  }
  @OnMessage('explode', { body: ExplodingDto }) explode() {
    return 'unreachable';
  }
  @OnMessage('claim') claim(@MessageBody() body: ClaimDto) {
    return { claimed: body.name, isDto: body instanceof ClaimDto };
  }
  @OnMessage('refuse') refuse() {
    throw new WsException('room_full', 'Room a is full', { capacity: 2 });
  }
  @OnMessage('refuseLater') async refuseLater() {
    throw new WsException('too_late');
  }
  @OnMessage('crash') crash() {
    throw new Error('secret');
  }
  @OnMessage('crashLater') async crashLater() {
    throw new Error('secret later');
  }
  @OnMessage('circular') circular() {
    const value: Record<string, unknown> = {};
    value.self = value;
    return value;
  }
  @OnMessage('whoami') whoami(_body: unknown, @ConnectedSocket() conn: Connection) {
    conn.emit('told', { id: conn.id });
  }
}

function capturingLogger() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: { level: 'debug', stream } };
}

describe('wire protocol', () => {
  let app: FastifyInstance;
  let client: TestClient;
  let lines: any[];

  beforeEach(async () => {
    const captured = capturingLogger();
    lines = captured.lines;
    app = Fastify({ logger: captured.logger });
    await bootstrap(app, [ProtocolGateway]);
    client = await TestClient.open(`${await listen(app)}/proto`);
  });
  afterEach(async () => {
    await client.close();
    await app.close();
  });

  it('replies with the return value and the request id, and only with a result when there is no id', async () => {
    await expect(client.request('echo', { a: 1 }, 7)).resolves.toEqual({
      event: 'echo',
      data: { a: 1 },
      id: 7,
    });
    await expect(client.request('nothing', {}, 'x')).resolves.toEqual({
      event: 'nothing',
      data: null,
      id: 'x',
    });
    client.send({ event: 'nothing' });
    client.send({ event: 'echo', data: 'no id' });
    await expect(client.next()).resolves.toEqual({ event: 'echo', data: 'no id' });
  });

  it('answers bad frames with bad_frame, keeping the id when it can be read, and stays open', async () => {
    client.send('not json');
    await expect(client.next()).resolves.toEqual({
      event: 'error',
      data: { code: 'bad_frame', message: expect.any(String) },
    });
    client.send({ data: 1, id: 3 });
    await expect(client.next()).resolves.toMatchObject({
      event: 'error',
      data: { code: 'bad_frame' },
      id: 3,
    });
    client.socket.send(Buffer.from('{"event":"echo"}'), { binary: true });
    await expect(client.next()).resolves.toMatchObject({ data: { code: 'bad_frame' } });
    let deep = '1';
    for (let i = 0; i < 40; i++) deep = `[${deep}]`;
    client.send(`{"event":"echo","data":${deep},"id":4}`);
    await expect(client.next()).resolves.toMatchObject({ data: { code: 'bad_frame' } });
    await expect(client.request('echo', 1, 5)).resolves.toMatchObject({ data: 1, id: 5 });
  });

  it('matches events on own keys only', async () => {
    for (const event of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'missing']) {
      await expect(client.request(event, {}, event)).resolves.toEqual({
        event: 'error',
        data: { code: 'unknown_event', message: expect.any(String) },
        id: event,
      });
    }
  });

  it('validates DTO bodies: paths and constraints, never the submitted values, and the connection stays usable', async () => {
    const bad = await client.request(
      'profile',
      { name: 'far-too-long-name-SENTINEL', age: -4, address: { city: 'x' } },
      1,
    );
    expect(bad.event).toBe('error');
    expect(bad.data.code).toBe('validation_failed');
    const paths = bad.data.details.map((detail: { path: string }) => detail.path).sort();
    expect(paths).toEqual(['address.city', 'age', 'name']);
    expect(JSON.stringify(bad)).not.toContain('SENTINEL');
    expect(JSON.stringify(bad)).not.toContain('-4');
    const unknownKey = await client.request(
      'profile',
      { name: 'a', age: 1, address: { city: 'Paris' }, admin: true },
      2,
    );
    expect(unknownKey.data.code).toBe('validation_failed');
    for (const body of [null, [], 'text', 3]) {
      const refused = await client.request('profile', body, 'b');
      expect(refused.data.code).toBe('validation_failed');
    }
    client.send(
      '{"event":"profile","id":9,"data":{"__proto__":{"polluted":true},"name":"a","age":1,"address":{"city":"Paris"}}}',
    );
    await expect(client.reply(9)).resolves.toMatchObject({ data: { code: 'validation_failed' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expect(
      client.request('profile', { name: 'Ada', age: 36, address: { city: 'London' } }, 3),
    ).resolves.toEqual({
      event: 'profile',
      data: { isDto: true, name: 'Ada', city: 'London' },
      id: 3,
    });
  });

  it('awaits async constraints before the handler runs', async () => {
    await expect(client.request('claim', { name: 'taken' }, 1)).resolves.toEqual({
      event: 'error',
      data: {
        code: 'validation_failed',
        message: expect.any(String),
        details: [{ path: 'name', constraints: { isFreeName: 'name is taken' } }],
      },
      id: 1,
    });
    await expect(client.request('claim', { name: 'free' }, 2)).resolves.toEqual({
      event: 'claim',
      data: { claimed: 'free', isDto: true },
      id: 2,
    });
  });

  it('sends WsException verbatim, sync or async', async () => {
    await expect(client.request('refuse', {}, 1)).resolves.toEqual({
      event: 'error',
      data: { code: 'room_full', message: 'Room a is full', details: { capacity: 2 } },
      id: 1,
    });
    await expect(client.request('refuseLater', {}, 2)).resolves.toEqual({
      event: 'error',
      data: { code: 'too_late', message: 'too_late' },
      id: 2,
    });
  });

  it('hides other errors behind internal_error and logs them with the connection, event and request id', async () => {
    const sync = await client.request('crash', {}, 1);
    const later = await client.request('crashLater', {}, 2);
    for (const frame of [sync, later]) {
      expect(frame.data).toEqual({ code: 'internal_error', message: 'Internal error' });
      expect(JSON.stringify(frame)).not.toContain('secret');
    }
    const logged = lines.filter((line) => line.err?.message?.startsWith('secret'));
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      level: 50,
      event: 'crash',
      connectionId: expect.any(String),
      reqId: expect.any(String),
      msg: expect.stringContaining('ProtocolGateway.crash'),
    });
    // A failing class-transformer step is a handler failure too, and still gets its one reply.
    await expect(client.request('explode', { value: 'v' }, 3)).resolves.toMatchObject({
      data: { code: 'internal_error' },
      id: 3,
    });
    await expect(client.request('echo', 'alive', 4)).resolves.toMatchObject({ data: 'alive' });
  });

  it('answers a reply that cannot be encoded with internal_error', async () => {
    await expect(client.request('circular', {}, 1)).resolves.toEqual({
      event: 'error',
      data: { code: 'internal_error', message: 'Internal error' },
      id: 1,
    });
    expect(lines.some((line) => String(line.msg).includes('could not encode'))).toBe(true);
  });

  it('gives concurrent requests the replies of their own ids', async () => {
    client.send({ event: 'later', data: { wait: 'a', value: 'A' }, id: 'a' });
    client.send({ event: 'later', data: { wait: 'b', value: 'B' }, id: 'b' });
    client.send({ event: 'echo', data: 'C', id: 'c' });
    await expect(client.reply('c')).resolves.toMatchObject({ data: 'C' });
    await new Promise<void>((resolve) => {
      const check = () => (held.has('a') && held.has('b') ? resolve() : setImmediate(check));
      check();
    });
    held.get('b')!.resolve(undefined);
    await expect(client.reply('b')).resolves.toEqual({ event: 'later', data: 'B', id: 'b' });
    held.get('a')!.resolve(undefined);
    await expect(client.reply('a')).resolves.toEqual({ event: 'later', data: 'A', id: 'a' });
  });

  it('lets a handler emit to its own connection', async () => {
    client.send({ event: 'whoami' });
    const frame = await client.next();
    expect(frame).toEqual({ event: 'told', data: { id: expect.any(String) } });
  });
});

describe('custom codec', () => {
  it('uses the gateway codec and survives one that throws while decoding', async () => {
    const binaryJson: Codec = {
      binary: true,
      decode(data) {
        const text = data.toString();
        if (text === 'boom') throw new Error('codec bug');
        return { ok: true, frame: JSON.parse(text) };
      },
      encode: (frame) => Buffer.from(JSON.stringify(frame)),
    };
    @Gateway('/bin', { codec: binaryJson })
    class BinaryGateway {
      @OnMessage('echo') echo(body: unknown) {
        return body;
      }
    }
    const app = Fastify();
    await bootstrap(app, [BinaryGateway]);
    const client = await TestClient.open(`${await listen(app)}/bin`);
    const binary = new Promise<boolean>((resolve) =>
      client.socket.once('message', (_data, isBinary) => resolve(isBinary)),
    );
    client.send('boom');
    client.send({ event: 'echo', data: 1, id: 1 });
    await expect(client.reply(1)).resolves.toEqual({ event: 'echo', data: 1, id: 1 });
    await expect(binary).resolves.toBe(true);
    await client.close();
    await app.close();
  });

  it('can wrap the exported default JSON codec', async () => {
    const decoded: string[] = [];
    // Wraps jsonCodec: records each decoded event and stamps every frame it sends.
    const stampingJson: Codec = {
      binary: jsonCodec.binary,
      decode(data, isBinary, maxDepth) {
        const result = jsonCodec.decode(data, isBinary, maxDepth);
        if (result.ok) decoded.push(result.frame.event);
        return result;
      },
      encode: (frame) => jsonCodec.encode({ ...frame, event: `${frame.event}!` }),
    };
    @Gateway('/stamped', { codec: stampingJson })
    class StampedGateway {
      @OnMessage('echo') echo(body: unknown) {
        return body;
      }
    }
    const app = Fastify();
    await bootstrap(app, [StampedGateway]);
    const client = await TestClient.open(`${await listen(app)}/stamped`);
    client.send({ event: 'echo', data: { a: 1 }, id: 1 });
    await expect(client.reply(1)).resolves.toEqual({ event: 'echo!', data: { a: 1 }, id: 1 });
    // What the default codec refuses, the wrapper refuses the same way.
    client.send('not json');
    await expect(client.next()).resolves.toMatchObject({
      event: 'error!',
      data: { code: 'bad_frame' },
    });
    expect(decoded).toEqual(['echo']);
    await client.close();
    await app.close();
  });
});
