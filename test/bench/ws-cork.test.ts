// The "ws + cork" reference must answer exactly like the raw ws baseline (only the number of
// writes differs): the same bytes for the same requests, bursts and broadcasts included.
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { Child, scriptPath } from '../../bench/children';
import { ECHO_PATH, echoFrame } from '../../bench/protocol';

jest.setTimeout(60000);

const REQUESTS = [
  echoFrame(1),
  '{"event":"echo","data":{"nested":[1,{"a":"é"}],"n":null},"id":"text-id"}',
  'not json',
  '{"event":"other","data":1,"id":3}',
  '{"event":"echo","id":4}',
  ...Array.from({ length: 50 }, (_, index) => echoFrame(100 + index)),
];

/** Sends every request in one burst, then asks for 3 broadcasts; returns what came back. */
async function transcript(script: string): Promise<string[]> {
  const server = new Child(script, scriptPath('servers', script), { cpu: 0 });
  try {
    const { port } = await server.ready;
    const socket = new WebSocket(`ws://127.0.0.1:${port}${ECHO_PATH}`);
    await once(socket, 'open');
    const frames: string[] = [];
    let waiting: { count: number; resolve: () => void } | undefined;
    socket.on('message', (raw) => {
      frames.push(raw.toString());
      if (waiting && frames.length >= waiting.count) waiting.resolve();
    });
    const until = (count: number): Promise<void> =>
      new Promise((resolve) => {
        waiting = { count, resolve };
        if (frames.length >= count) resolve();
      });
    // Garbage and the unknown event get no answer; the broadcasts go out once every echo
    // came back, so the order is fixed.
    for (const request of REQUESTS) socket.send(request);
    await until(REQUESTS.length - 2);
    await server.call('broadcast', { count: 3 });
    await until(REQUESTS.length + 1);
    socket.close();
    return frames;
  } finally {
    await server.stop();
  }
}

test('ws + cork sends the same bytes as raw ws', async () => {
  const raw = await transcript('ws');
  const corked = await transcript('ws-cork');

  expect(corked).toEqual(raw);
  expect(raw).toHaveLength(REQUESTS.length - 2 + 3);
  expect(raw[0]).toBe(
    `{"event":"echo","data":{"n":1,"s":"abcdefghijklmnopqrstuvwxyz012345"},"id":1}`,
  );
});
