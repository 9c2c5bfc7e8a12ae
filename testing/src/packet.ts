/** A datagram and the time (seconds) at which it is to be processed. */
export interface TestPacket {
  readonly bytes: Uint8Array;
  readonly ts: number;
}
