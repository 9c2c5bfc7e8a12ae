import { constants } from "node:fs";
import { access, open, stat, type FileHandle } from "node:fs/promises";
import { describeFileError, InputError } from "../errors.js";
import type { InputStream, OutputStream } from "../io.js";
import { fifoSource } from "./fifo.js";
import { withPatience } from "./patience.js";

/** A capture to read: never loaded whole, always streamed in chunks. */
export interface CaptureInput {
  /** For messages: the path, or "standard input". */
  readonly name: string;
  /** A regular file's path (the reader worker opens it), or null for a stream. */
  readonly path: string | null;
  /** Total bytes when known (a regular file), for the progress bar. */
  readonly size: number | null;
  /** The bytes as chunks, for reading on this thread. */
  chunks(): AsyncIterable<Uint8Array>;
}

/** Chunk size of file reads: large enough that per-chunk work is negligible, small enough to stay cache-friendly. */
const CHUNK = 256 * 1024;

/** How long a capture that is not a regular file may stay silent (see capture/patience.ts). */
export interface WaitOptions {
  /** Where "still waiting" notices go. */
  readonly stderr: OutputStream;
  /** `--input-timeout`: seconds without data before giving up; undefined waits. */
  readonly inputTimeout: number | undefined;
}

/**
 * Checks a capture file can be read (`-` is standard input), so a missing
 * or unreadable file is reported before any output. A FIFO (named pipe) is
 * not opened here: opening one blocks until a program opens it for
 * writing. Standard input and FIFOs may never deliver data: reading them
 * says so on stderr after a few seconds, and gives up after
 * `wait.inputTimeout` seconds without data.
 */
export async function openCapture(path: string, stdin: InputStream, wait?: WaitOptions): Promise<CaptureInput> {
  if (path === "-") {
    const name = "standard input";
    const chunks = (): AsyncIterable<Uint8Array> =>
      wait === undefined
        ? stdin
        : withPatience(stdin as AsyncIterable<Uint8Array>, {
            name,
            what: "it is open but nothing has been written to it",
            stderr: wait.stderr,
            timeoutSeconds: wait.inputTimeout,
            giveUp: () => (stdin as InputStream & { destroy?: () => void }).destroy?.(),
          });
    return { name, path: null, size: null, chunks };
  }
  let kind;
  try {
    kind = await stat(path);
  } catch (error) {
    throw new InputError(describeFileError(path, error));
  }
  if (kind.isFIFO()) {
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      throw new InputError(describeFileError(path, error));
    }
    const chunks = (): AsyncIterable<Uint8Array> => {
      const fifo = fifoSource(path);
      if (wait === undefined) return fifo.chunks;
      return withPatience(fifo.chunks, {
        name: path,
        what: "it is a FIFO and no program has written to it (none may have opened it for writing)",
        stderr: wait.stderr,
        timeoutSeconds: wait.inputTimeout,
        giveUp: () => fifo.release(),
      });
    };
    return { name: path, path: null, size: null, chunks };
  }
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new InputError(describeFileError(path, error));
  }
  const info = await handle.stat().finally(() => handle.close());
  if (info.isDirectory()) throw new InputError(`${path}: is a directory, not a capture file`);
  const regular = info.isFile();
  return { name: path, path: regular ? path : null, size: regular ? info.size : null, chunks: () => readAhead(path) };
}

/**
 * The file's bytes in chunks, the next read always in flight while the
 * current chunk is processed (a read stream only reads when its buffer
 * drains, so the replay would sit idle during every read). Each chunk is a
 * fresh buffer: records handed out are views into it.
 */
async function* readAhead(path: string): AsyncGenerator<Uint8Array, void, undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new InputError(describeFileError(path, error));
  }
  const next = () => handle.read(Buffer.allocUnsafeSlow(CHUNK), 0, CHUNK, null);
  let pending = next();
  try {
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) return;
      pending = next();
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // Stopped early (damage, closed output): let the read in flight finish before closing.
    await pending.catch(() => undefined);
    await handle.close();
  }
}
