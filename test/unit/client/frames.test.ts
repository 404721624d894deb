import { decodeFrame, encodeFrame, errorFromFrame } from 'fastify-ws-gateway/client/frames';
import { PendingRequests } from 'fastify-ws-gateway/client/pending-requests';
import { isWsClientError, WsClientError } from 'fastify-ws-gateway/client';

describe('encodeFrame', () => {
  test('writes the envelope, with id only for requests', () => {
    expect(JSON.parse(encodeFrame('say', { text: 'hi' }, 7))).toEqual({
      event: 'say',
      data: { text: 'hi' },
      id: 7,
    });
    expect(JSON.parse(encodeFrame('typing', null))).toEqual({ event: 'typing', data: null });
  });
});

describe('decodeFrame', () => {
  test('reads replies, pushes and error frames', () => {
    expect(decodeFrame('{"event":"say","data":{"ok":true},"id":7}')).toEqual({
      event: 'say',
      data: { ok: true },
      id: 7,
    });
    expect(decodeFrame('{"event":"said","data":1,"id":"a"}')).toEqual({
      event: 'said',
      data: 1,
      id: 'a',
    });
    expect(decodeFrame('{"event":"said","data":1,"id":{}}')).toEqual({ event: 'said', data: 1 });
  });

  test.each([
    ['not json'],
    ['[1]'],
    ['null'],
    ['"said"'],
    ['{"event":1}'],
    [new Uint8Array([123, 125])],
  ])('refuses %p', (message) => {
    expect(decodeFrame(message)).toBeUndefined();
  });
});

describe('errorFromFrame', () => {
  test('keeps code, message and details', () => {
    const error = errorFromFrame({
      code: 'room_full',
      message: 'Room a is full',
      details: { capacity: 2 },
    });
    expect(error).toBeInstanceOf(WsClientError);
    expect(error).toMatchObject({
      code: 'room_full',
      message: 'Room a is full',
      details: { capacity: 2 },
    });
  });

  test('still yields an error for a malformed error frame', () => {
    expect(errorFromFrame(null)).toMatchObject({ code: 'unknown_error', message: 'unknown_error' });
    expect(errorFromFrame({ code: 'x' })).toMatchObject({ code: 'x', message: 'x' });
  });
});

describe('isWsClientError', () => {
  test('recognises errors from another copy of the package by name and code', () => {
    const foreign = Object.assign(new Error('m'), { name: 'WsClientError', code: 'timeout' });
    expect(isWsClientError(foreign)).toBe(true);
    expect(isWsClientError(new Error('m'))).toBe(false);
    expect(isWsClientError({ name: 'WsClientError', code: 'timeout' })).toBe(false);
  });
});

describe('PendingRequests.settle', () => {
  test('consumes replies to ids it issued, including late ones, and nothing else', async () => {
    const requests = new PendingRequests(1000);
    const { id, reply } = requests.open('say');
    expect(requests.settle('x', 'say', 1)).toBe(false);
    expect(requests.settle(id + 1, 'say', 1)).toBe(false);
    expect(requests.settle(id, 'say', 'ok')).toBe(true);
    await expect(reply).resolves.toBe('ok');
    expect(requests.settle(id, 'say', 'again')).toBe(true);
    expect(requests.size).toBe(0);
  });
});

describe('PendingRequests.markSent and fail', () => {
  test('ignore ids that no longer wait', () => {
    const requests = new PendingRequests(1000);
    expect(() => requests.markSent(99)).not.toThrow();
    expect(() => requests.fail(99, new WsClientError('timeout'))).not.toThrow();
    expect(requests.size).toBe(0);
  });
});
