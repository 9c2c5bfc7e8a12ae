import { open, type FileHandle } from "node:fs/promises";
import { describeFileError, InputError } from "../errors.js";
import type { InputStream } from "../io.js";

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

/**
 * Checks a capture file can be read (`-` is standard input), so a missing
 * or unreadable file is reported before any output.
 */
export async function openCapture(path: string, stdin: InputStream): Promise<CaptureInput> {
  if (path === "-") return { name: "standard input", path: null, size: null, chunks: () => stdin };
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
