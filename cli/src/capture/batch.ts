/**
 * The messages between the reader worker and the replay. A batch is one
 * chunk of the file, read into shared memory (a ring of buffers the worker
 * reuses once the replay is done with them), plus a table of numbers
 * saying where each IP packet is: packets are never copied, except the few
 * that straddle two chunks (the parser assembles those; they travel in
 * `spill`).
 */

/** Numbers per record in a batch's `table`. */
export const FIELDS = 7;
/**
 * Field offsets: record index; where the IP packet is (`F_WHERE`: 0 in
 * `chunk`, 1 in `spill`, -1 - k for `skipped[k]`), its offset and length;
 * its time.
 */
export const F_INDEX = 0;
export const F_WHERE = 1;
export const F_OFFSET = 2;
export const F_LENGTH = 3;
export const F_SEC = 4;
export const F_NANOS = 5;
export const F_SECONDS = 6;

/** Slots of the shared control array. */
export const C_IN_FLIGHT = 0;
export const C_STOP = 1;
/** Batches posted and not yet replayed before the worker waits: bounds memory (a few MiB). */
export const MAX_IN_FLIGHT = 4;

export interface SkippedRecord {
  readonly index: number;
  readonly ts: number;
  readonly reason: "not-ip" | "link-error";
  readonly detail: string;
}

export type WorkerMessage =
  | {
      readonly kind: "batch";
      /** The chunk, a view of a SharedArrayBuffer. */
      readonly chunk: Uint8Array;
      /** Packets that straddle chunks, back to back. */
      readonly spill: Uint8Array;
      readonly table: Float64Array;
      readonly count: number;
      readonly skipped: readonly SkippedRecord[];
      /** Link types seen for the first time. */
      readonly linkTypes: readonly string[];
      /** File bytes read so far. */
      readonly fileBytes: number;
      readonly records: number;
    }
  | { readonly kind: "end"; readonly records: number; readonly bytes: number; readonly damage: { offset: number; code: string; message: string } | null }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "fatal"; readonly message: string };

export interface WorkerInput {
  readonly path: string;
  readonly name: string;
  /** Int32Array view: [batches in flight, stop flag]. */
  readonly control: SharedArrayBuffer;
}
