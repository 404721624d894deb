import Fastify, { type FastifyInstance } from 'fastify';
import { IsInt, IsString } from 'class-validator';
import {
  ConnectedSocket,
  Gateway,
  MessageBody,
  OnConnect,
  OnMessage,
  Param,
  ParseBoolPipe,
  ParseFloatPipe,
  ParseIntPipe,
  Query,
  bootstrap,
  type Connection,
  type PipeMeta,
  type PipeTransform,
} from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';
import { injectable } from 'tsyringe';

class SeekDto {
  @IsString() track!: string;
  @IsInt() position!: number;
}

class Dictionary {
  readonly words = new Map([['hi', 'hello']]);
}

/** A pipe class with an injected service, resolved through the container. */
@injectable()
class Expand implements PipeTransform<string, string> {
  constructor(readonly dictionary: Dictionary) {}
  transform(value: string) {
    return this.dictionary.words.get(value) ?? value;
  }
}
const upper = (value: unknown) => String(value).toUpperCase();
const slowLength = async (value: unknown) => {
  await new Promise((resolve) => setImmediate(resolve));
  if (typeof value !== 'string') throw new Error('must be text');
  return value.length;
};
const metas: PipeMeta[] = [];
const recordMeta = (value: unknown, meta: PipeMeta) => {
  metas.push(meta);
  return value;
};

@Gateway('/rooms/:room')
class PipedGateway {
  @OnConnect() join(@ConnectedSocket() conn: Connection, @Param('room', upper) room: string) {
    conn.data.room = room;
  }

  @OnMessage('seek', { body: SeekDto })
  seek(@MessageBody('track') track: string, @MessageBody('position') position: number) {
    return { track, position };
  }

  @OnMessage('count') count(@MessageBody('n', ParseIntPipe) n: number) {
    return n + 1;
  }

  @OnMessage('room') room(
    @ConnectedSocket() conn: Connection,
    @Param('room', recordMeta) raw: string,
  ) {
    return { upper: conn.data.room, raw };
  }

  @OnMessage('parse') parse(
    @MessageBody('ratio', ParseFloatPipe) ratio: number,
    @MessageBody('on', ParseBoolPipe) on: boolean,
    @Query('lang', Expand) lang: string,
  ) {
    return { ratio, on, lang };
  }

  @OnMessage('length') length(@MessageBody('text', slowLength, ParseIntPipe) n: number) {
    return n;
  }

  @OnMessage('toString') own(@MessageBody('toString') value: unknown) {
    return value ?? 'absent';
  }
}

describe('@MessageBody(field) and parameter pipes', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    metas.length = 0;
    app = Fastify();
    await bootstrap(app, [PipedGateway]);
  });
  afterEach(() => app.close());

  it('gives one field of the validated body', async () => {
    const client = await connectGateway(app, '/rooms/a');
    await expect(client.request('seek', { track: 't', position: 3 })).resolves.toEqual({
      track: 't',
      position: 3,
    });
    await expect(client.request('seek', { track: 't', position: 'x' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(client.request('toString', {})).resolves.toBe('absent');
    await client.close();
  });

  it('runs pipes on body fields, route params and query values, classes through the container', async () => {
    const client = await connectGateway(app, '/rooms/lobby', { query: { lang: 'hi' } });
    await expect(client.request('count', { n: '41' })).resolves.toBe(42);
    await expect(client.request('room', {})).resolves.toEqual({ upper: 'LOBBY', raw: 'lobby' });
    expect(metas).toEqual([{ source: 'param', name: 'room' }]);
    await expect(client.request('parse', { ratio: '0.5', on: 'true' })).resolves.toEqual({
      ratio: 0.5,
      on: true,
      lang: 'hello',
    });
    await expect(client.request('length', { text: 'four' })).resolves.toBe(4);
    await client.close();
  });

  it('answers validation_failed naming the parameter when a pipe throws, sync or async', async () => {
    const client = await connectGateway(app, '/rooms/a');
    await expect(client.request('count', { n: '4.5' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'n', constraints: { ParseIntPipe: '"n" must be an integer' } }],
    });
    await expect(client.request('parse', { ratio: 'x', on: 'true' })).rejects.toMatchObject({
      details: [{ path: 'ratio', constraints: { ParseFloatPipe: '"ratio" must be a number' } }],
    });
    await expect(client.request('parse', { ratio: '1', on: 'yes' })).rejects.toMatchObject({
      details: [{ path: 'on', constraints: { ParseBoolPipe: '"on" must be a boolean' } }],
    });
    await expect(client.request('length', { text: 5 })).rejects.toMatchObject({
      details: [{ path: 'text', constraints: { slowLength: 'must be text' } }],
    });
    await client.close();
  });

  it('refuses a pipe class without transform at ready(), naming the handler and parameter', async () => {
    class NotAPipe {}
    @Gateway('/bad-pipe')
    class BadPipeGateway {
      @OnMessage('x') x(@MessageBody('a', NotAPipe as never) a: unknown) {
        return a;
      }
    }
    await expect(bootstrap(Fastify(), [BadPipeGateway])).rejects.toThrow(
      'a pipe of BadPipeGateway.x parameter 0: NotAPipe is not a usable pipe: give it a transform(value, meta) method',
    );
  });
});
