import type { FastifyReply, FastifyRequest } from 'fastify';
import { EventEmitter } from 'node:events';
import { connectDeadline, type ConnectDeadline } from '../../../src/gateway/upgrade-admission';

/** A request (with a socket unless `socketless`, as upstream's injectWS builds) and its reply. */
function upgrade(socketless = false) {
  const socket = Object.assign(new EventEmitter(), { destroyed: false });
  const request = { raw: { socket: socketless ? undefined : socket } } as unknown as FastifyRequest;
  const sent: unknown[] = [];
  const reply = {
    code: () => reply,
    send: (body: unknown) => sent.push(body),
  } as unknown as FastifyReply;
  return { socket, request, reply, sent };
}

const nextTick = () => new Promise((resolve) => process.nextTick(resolve));

describe('connectDeadline', () => {
  const deadlines = new WeakMap<FastifyRequest, ConnectDeadline>();
  const timedOut: FastifyRequest[] = [];
  const [hook] = connectDeadline(1000, deadlines, (request) => timedOut.push(request));
  const start = (request: FastifyRequest, reply: FastifyReply) => {
    const done = jest.fn();
    (hook as unknown as (...args: unknown[]) => void).call(undefined, request, reply, done);
    return done;
  };

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'], now: 0 });
    timedOut.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('makes no timer for hooks that reach the socket in the tick they began', async () => {
    const { socket, request, reply } = upgrade();
    expect(start(request, reply)).toHaveBeenCalled();
    const deadline = deadlines.get(request)!;
    expect(deadline.at).toBe(1000);
    deadline.cancel(); // the route handler, in the same tick
    await nextTick();
    expect(jest.getTimerCount()).toBe(0);
    expect(socket.listenerCount('close')).toBe(0);
    expect(deadlines.has(request)).toBe(false);
  });

  it('times hooks that outlive their tick, and stops on cancel or when the socket closes', async () => {
    const first = upgrade();
    start(first.request, first.reply);
    await nextTick();
    expect(jest.getTimerCount()).toBe(1);
    expect(first.socket.listenerCount('close')).toBe(1);
    deadlines.get(first.request)!.cancel();
    expect(jest.getTimerCount()).toBe(0);
    expect(first.socket.listenerCount('close')).toBe(0);

    const second = upgrade();
    start(second.request, second.reply);
    await nextTick();
    second.socket.emit('close');
    expect(jest.getTimerCount()).toBe(0);
    expect(deadlines.has(second.request)).toBe(false);
    jest.advanceTimersByTime(2000);
    expect(timedOut).toEqual([]);
  });

  it('answers 503 when the hooks outlive the deadline, with or without a socket', async () => {
    for (const socketless of [false, true]) {
      const { request, reply, sent } = upgrade(socketless);
      start(request, reply);
      await nextTick();
      jest.advanceTimersByTime(999);
      expect(sent).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(timedOut).toEqual([request]);
      expect(sent).toMatchObject([{ statusCode: 503, message: 'Connection setup timed out' }]);
      expect(deadlines.has(request)).toBe(false);
      timedOut.length = 0;
    }
  });

  it('times nothing for a socket already gone, and refuses at once past the deadline', async () => {
    const gone = upgrade();
    start(gone.request, gone.reply);
    gone.socket.destroyed = true;
    await nextTick();
    expect(jest.getTimerCount()).toBe(0);
    expect(deadlines.has(gone.request)).toBe(false);

    // Earlier hooks took the whole budget: nothing is left when this one runs.
    const late = upgrade();
    const [expired] = connectDeadline(0, deadlines, (request) => timedOut.push(request));
    const done = jest.fn();
    (expired as unknown as (...args: unknown[]) => void).call(
      undefined,
      late.request,
      late.reply,
      done,
    );
    expect(done).not.toHaveBeenCalled();
    expect(timedOut).toEqual([late.request]);
    expect(late.sent).toMatchObject([{ statusCode: 503 }]);
    expect(deadlines.has(late.request)).toBe(false);
  });

  it('adds no hook without a deadline', () => {
    expect(connectDeadline(Infinity, deadlines, () => {})).toEqual([]);
  });
});
