/** A frame as the client sends it: `{ event, data, id? }`. */
export interface InboundFrame {
  readonly event: string;
  readonly data: unknown;
  readonly id?: string | number;
}

/** A frame the server sends: a reply, an error or a broadcast. */
export interface OutboundFrame {
  readonly event: string;
  readonly data: unknown;
  readonly id?: string | number;
}

/** Why a frame could not be decoded; `id` is kept when it could still be read. */
export interface DecodeFailure {
  readonly ok: false;
  readonly id?: string | number;
}

export type DecodeResult = { readonly ok: true; readonly frame: InboundFrame } | DecodeFailure;

/**
 * Turns socket messages into frames and frames into socket messages. Pluggable per gateway
 * (`@Gateway(path, { codec })`); JSON by default. `decode` never throws.
 */
export interface Codec {
  /** Whether frames are sent as binary websocket messages. */
  readonly binary: boolean;
  decode(data: Buffer, isBinary: boolean, maxDepth: number): DecodeResult;
  encode(frame: OutboundFrame): string | Buffer;
}
