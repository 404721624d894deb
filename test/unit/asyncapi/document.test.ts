import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import { Parser } from '@asyncapi/parser';
import { Emits, Gateway, MessageBody, OnMessage } from '../../../src';
import { asyncapiDocument, routeAddress, type AsyncApiDocument } from '../../../src/asyncapi';

class SayDto {
  @IsString() text!: string;
}
class SayReplyDto {
  @IsInt() count!: number;
}
class SaidDto {
  @IsString() text!: string;
}

@Gateway('/rooms/:room', {
  schema: {
    querystring: { type: 'object', properties: { name: { type: 'string' } } },
    headers: { type: 'object', properties: { authorization: { type: 'string' } } },
  },
})
@Emits('said', SaidDto)
@Emits('chat:typing', SaidDto)
class RoomGateway {
  @OnMessage('say', { reply: SayReplyDto, errors: ['room_full', 'muted'] })
  say(@MessageBody() _body: SayDto) {
    return { count: 1 };
  }

  @OnMessage('ping', { errors: ['muted'] })
  ping(_body: unknown) {}
}

@Gateway('/')
class RootGateway {
  @OnMessage('error') error(_body: SayDto) {}
}

const info = { title: 'Rooms', version: '2.1.0', description: 'Test API' };
type Json = Record<string, any>;

describe('asyncapiDocument', () => {
  const doc = asyncapiDocument([RoomGateway], { info }) as AsyncApiDocument & Json;
  const channel = doc.channels.RoomGateway as Json;

  it('is AsyncAPI 3.0.0 JSON with the given info and no servers unless given', () => {
    expect(doc).toMatchObject({ asyncapi: '3.0.0', info, defaultContentType: 'application/json' });
    expect(doc).not.toHaveProperty('servers');
    const servers = { prod: { host: 'chat.example.com', protocol: 'wss' } };
    expect(asyncapiDocument([RoomGateway], { info, servers }).servers).toEqual(servers);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('has one channel per gateway, its address with {parameters} and a ws binding from the route schema', () => {
    expect(channel).toMatchObject({
      address: '/rooms/{room}',
      parameters: { room: { description: 'Route parameter :room' } },
      bindings: {
        ws: {
          method: 'GET',
          query: { type: 'object', properties: { name: { type: 'string' } } },
          headers: { type: 'object', properties: { authorization: { type: 'string' } } },
          bindingVersion: '0.1.0',
        },
      },
    });
  });

  it('describes each frame as its envelope { event, data, id }', () => {
    expect(channel.messages.say.payload).toEqual({
      type: 'object',
      required: ['event', 'data'],
      properties: {
        event: { type: 'string', const: 'say' },
        data: { $ref: '#/components/schemas/SayDto' },
        id: expect.objectContaining({ type: ['string', 'number'] }),
      },
    });
    // a body without DTO is documented as not validated, and may be left out
    expect(channel.messages.ping.payload.required).toEqual(['event']);
    expect(channel.messages.ping.payload.properties.data).toEqual({
      description: expect.stringContaining('Not validated'),
    });
    // pushes carry no id; event names are kept, message keys made safe
    expect(channel.messages['chat_typing'].payload.properties).toEqual({
      event: { type: 'string', const: 'chat:typing' },
      data: { $ref: '#/components/schemas/SaidDto' },
    });
  });

  it('has a receive operation per @OnMessage, with a reply (correlated by id) when one is declared', () => {
    expect(doc.operations['RoomGateway.say']).toEqual({
      action: 'receive',
      channel: { $ref: '#/channels/RoomGateway' },
      summary: 'RoomGateway.say',
      messages: [{ $ref: '#/channels/RoomGateway/messages/say' }],
      reply: {
        channel: { $ref: '#/channels/RoomGateway' },
        messages: [
          { $ref: '#/channels/RoomGateway/messages/say.reply' },
          { $ref: '#/channels/RoomGateway/messages/error' },
        ],
      },
    });
    expect(doc.operations['RoomGateway.ping']).not.toHaveProperty('reply');
    expect(channel.messages['say.reply'].payload.properties.data).toEqual({
      $ref: '#/components/schemas/SayReplyDto',
    });
    for (const key of ['say', 'say.reply', 'error']) {
      expect(channel.messages[key].correlationId).toEqual({
        $ref: '#/components/correlationIds/requestId',
      });
    }
    expect(doc.components.correlationIds.requestId).toMatchObject({
      location: '$message.payload#/id',
    });
  });

  it('has a send operation per @Emits and one for errors', () => {
    expect(doc.operations['RoomGateway.said']).toEqual({
      action: 'send',
      channel: { $ref: '#/channels/RoomGateway' },
      messages: [{ $ref: '#/channels/RoomGateway/messages/said' }],
    });
    expect(doc.operations['RoomGateway.error']).toMatchObject({
      action: 'send',
      messages: [{ $ref: '#/channels/RoomGateway/messages/error' }],
    });
  });

  it('has one error message whose code enum is the wire codes plus the declared ones, once each', () => {
    const data = channel.messages.error.payload.properties.data;
    expect(data.required).toEqual(['code', 'message']);
    expect(data.properties.code.enum).toEqual([
      'bad_frame',
      'unknown_event',
      'validation_failed',
      'forbidden',
      'rate_limited',
      'unavailable',
      'internal_error',
      'room_full',
      'muted',
    ]);
  });

  it('keeps each DTO once in components.schemas', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(['SayDto', 'SayReplyDto', 'SaidDto']);
  });

  it('keeps keys unique when an event is named like a reserved message, and applies the prefix', () => {
    const both = asyncapiDocument([RoomGateway, RootGateway], { info, prefix: '/api' }) as Json;
    expect(both.channels.RootGateway.address).toBe('/api');
    expect(both.channels.RoomGateway.address).toBe('/api/rooms/{room}');
    expect(Object.keys(both.channels.RootGateway.messages)).toEqual(['error', 'error_2']);
    expect(both.operations['RootGateway.error_2']).toMatchObject({ action: 'send' });
    expect(both.operations['RootGateway.error'].action).toBe('receive');
    expect(both.channels.RootGateway).not.toHaveProperty('parameters');
  });

  it('takes String, Number and Boolean as the data of a reply or an event', () => {
    @Gateway('/ticks')
    @Emits('tick', Number)
    @Emits('paused', Boolean)
    class TickGateway {
      @OnMessage('name', { reply: String }) name() {
        return 'ticker';
      }
    }
    const ticks = asyncapiDocument([TickGateway], { info }) as Json;
    const messages = ticks.channels.TickGateway.messages;
    expect(messages.tick.payload.properties.data).toEqual({ type: 'number' });
    expect(messages.paused.payload.properties.data).toEqual({ type: 'boolean' });
    expect(messages['name.reply'].payload.properties.data).toEqual({ type: 'string' });
    expect(ticks.components.schemas).toEqual({});
  });

  it('documents a gateway listed twice once', () => {
    const twice = asyncapiDocument([RoomGateway, RoomGateway], { info });
    expect(Object.keys(twice.channels)).toEqual(['RoomGateway']);
  });

  it('refuses options without info.title and info.version, and non-gateways', () => {
    expect(() => asyncapiDocument([RoomGateway], {} as never)).toThrow(
      'options.info needs a "title" and a "version"',
    );
    expect(() => asyncapiDocument(RoomGateway as never, { info })).toThrow(
      'gateways must be an array',
    );
    expect(() => asyncapiDocument([class NotAGateway {}], { info })).toThrow(
      /NotAGateway is not a gateway/,
    );
  });

  it('passes @asyncapi/parser with no errors or warnings', async () => {
    const diagnostics = await new Parser().validate(
      JSON.stringify(asyncapiDocument([RoomGateway, RootGateway], { info })),
    );
    // severity 0 = error, 1 = warning; the only info is "3.1.0 exists"
    expect(diagnostics.filter((d) => d.severity < 2)).toEqual([]);
  });
});

describe('routeAddress', () => {
  it.each([
    ['/chat/:room', '/chat/{room}', { room: 'Route parameter :room' }],
    ['/a/:x-:y', '/a/{x}-{y}', { x: 'Route parameter :x', y: 'Route parameter :y' }],
    ['/n/:id(^\\d+$)', '/n/{id}', { id: 'Route parameter :id, matching ^\\d+$' }],
    ['/files/*', '/files/{wildcard}', { wildcard: 'The rest of the path (the route\'s "*")' }],
    ['/plain', '/plain', {}],
  ])('%s → %s', (path, address, parameters) => {
    const result = routeAddress(path);
    expect(result.address).toBe(address);
    expect(
      Object.fromEntries([...result.parameters].map(([name, p]) => [name, p.description])),
    ).toEqual(parameters);
  });
});
