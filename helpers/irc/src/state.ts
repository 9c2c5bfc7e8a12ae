import { LineStream } from "@alg-sdk/core/payload";

/**
 * The IRC helper's private state of one connection: with the `stream`
 * option the client's reassembly state (one small object per connection,
 * made at the SYN: its buffers wait for data that needs them); otherwise
 * the helper keeps no state and this is `undefined`.
 */
export class IrcStreamState extends LineStream {
  /** @internal The client's byte stream (original direction): the state itself. */
  get client(): LineStream {
    return this;
  }
}

export type IrcState = IrcStreamState | undefined;
