import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { describeFileError, InputError } from "../errors.js";

/** Chunk size of FIFO reads (a pipe holds 64 KiB; a larger buffer takes what a burst wrote). */
const CHUNK = 256 * 1024;

/** A named pipe being read: its chunks, and how to stop waiting for a writer. */
export interface FifoSource {
  readonly chunks: AsyncIterable<Uint8Array>;
  /**
   * Stops waiting: opening a FIFO for reading blocks (in a thread of Node's
   * pool) until some program opens it for writing, and that cannot be
   * cancelled. Opening it for writing ourselves, without blocking, and
   * closing it at once completes that open; the reader then sees the end
   * of the data and finishes, so the process can exit.
   */
  release(): void;
}

/** Reads the FIFO at `path` once, from its first writer until the last writer closes it. */
export function fifoSource(path: string): FifoSource {
  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (error) {
      throw new InputError(describeFileError(path, error));
    }
    try {
      for (;;) {
        const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafeSlow(CHUNK), 0, CHUNK, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }
  return {
    chunks: chunks(),
    release() {
      void open(path, constants.O_WRONLY | constants.O_NONBLOCK).then(
        (h) => h.close(),
        () => undefined, // no reader is waiting (ENXIO): nothing to release
      );
    },
  };
}
