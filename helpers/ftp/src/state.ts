import { LineTracker } from "./line-tracker.js";
import { DirectionStream } from "./stream.js";

/**
 * What the FTP helper remembers about one control connection (created by
 * the engine through the helper's `createState`). Opaque to users: Linux
 * mode uses only the line tracker, stream mode only the direction streams.
 */
export class FtpState {
  /** @internal Linux's two line-start positions per direction. */
  readonly lines: LineTracker = new LineTracker();
  /** @internal Stream mode: original and reply direction, created on first use. */
  readonly streams: [DirectionStream | null, DirectionStream | null] = [null, null];

  /** @internal The stream of `dir`, created when first needed. */
  stream(dir: number): DirectionStream {
    return this.streams[dir] ?? (this.streams[dir] = new DirectionStream());
  }
}
