import { LineStream } from "@alg-sdk/core/payload";

/**
 * The IRC helper's private state of one connection: with the `stream`
 * option the client's reassembly state; otherwise the helper keeps no
 * state and this is `undefined`.
 */
export class IrcStreamState {
  /** @internal The client's byte stream (original direction). */
  readonly client = new LineStream();
}

export type IrcState = IrcStreamState | undefined;
