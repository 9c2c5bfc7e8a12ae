import { LineTracker } from "./line-tracker.js";
import { LineStream } from "@alg-sdk/core/payload";

/**
 * What the FTP helper remembers about one control connection (created by
 * the engine through the helper's `createState`). Opaque to users: Linux
 * mode uses only the line tracker, stream mode only the direction streams.
 */
export class FtpState {
  /** @internal Linux's two line-start positions per direction. */
  readonly lines: LineTracker = new LineTracker();
  /** @internal Stream mode: original and reply direction, created on first use. */
  readonly streams: [LineStream | null, LineStream | null] = [null, null];

  /** @internal The stream of `dir`, created when first needed. */
  stream(dir: number): LineStream {
    return this.streams[dir] ?? (this.streams[dir] = new LineStream());
  }
}
