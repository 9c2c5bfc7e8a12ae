/**
 * What the `stream` option keeps per connection (read-only view, for
 * diagnostics).
 */
export interface IrcStreamState {
  /** Bytes of the client's unterminated last line carried to its next segment (0: none). */
  readonly carried: number;
  /** Sequence number of the next byte expected from the client, once `synced`. */
  readonly nextSeq: number;
  /** A client segment with payload has been seen. */
  readonly synced: boolean;
}

/**
 * The IRC helper's private state of one connection: with `stream: true`
 * the client's reassembly state; otherwise the helper keeps no state and
 * this is `undefined`.
 */
export type IrcState = IrcStreamState | undefined;
