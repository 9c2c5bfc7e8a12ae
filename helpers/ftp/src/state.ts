import { LineTracker } from "./line-tracker.js";
import { LineStream } from "@alg-sdk/core/payload";

/**
 * What the FTP helper remembers about one control connection (created by
 * the engine through the helper's `createState`, at the connection's first
 * packet). Opaque to users: Linux mode uses only the line tracker, stream
 * mode only the direction streams. Each part is made when the first data
 * needs it, so a connection that never sends data (a SYN flood to tcp/21)
 * costs one small object.
 */
export class FtpState {
  private tracker: LineTracker | null = null;
  private original: LineStream | null = null;
  private reply: LineStream | null = null;

  /** @internal Linux's two line-start positions per direction. */
  get lines(): LineTracker {
    return this.tracker ?? (this.tracker = new LineTracker());
  }

  /** @internal The stream of `dir`, created when first needed. */
  stream(dir: number): LineStream {
    if (dir === 0) return this.original ?? (this.original = new LineStream());
    return this.reply ?? (this.reply = new LineStream());
  }
}
