/**
 * Convenience readers on top of {@link CaptureParser}: a sync iterable over a
 * whole buffer and an async iterable over a stream of chunks.
 *
 * @packageDocumentation
 */

import { CaptureParser } from "./parser.js";
import type { CaptureParserOptions, CaptureRecord } from "./types.js";

/**
 * Minimal shape of a WHATWG `ReadableStream<Uint8Array>` (for runtimes whose
 * streams are not async-iterable).
 */
export interface ReadableStreamLike {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
    releaseLock(): void;
  };
}

/** Anything {@link readCaptureStream} accepts as a source of chunks. */
export type ChunkSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStreamLike;

/**
 * Reads every record of a capture held in one buffer (pcap or pcapng,
 * detected from the magic). Lazily: records are produced as you iterate, and
 * a {@link CaptureFormatError} is thrown by the iterator only after every
 * record before the damage has been yielded. Each record's `data` is a view
 * into `bytes` (no copy) unless `options.copy` is set.
 *
 * ```ts
 * for (const rec of readCapture(bytes)) console.log(rec.index, rec.tsSeconds, rec.data.length);
 * ```
 */
export function* readCapture(bytes: Uint8Array, options?: CaptureParserOptions): Generator<CaptureRecord, void, undefined> {
  const parser = new CaptureParser(options);
  parser.feed(bytes);
  parser.close();
  for (let r = parser.next(); r !== undefined; r = parser.next()) yield r;
}

/**
 * Reads a capture from a stream of chunks of any size: a Node readable stream
 * (`fs.createReadStream(path)`), a WHATWG `ReadableStream`, or any (async)
 * iterable of `Uint8Array`. Holds at most the current chunk plus one partial
 * record. Breaking out of the loop stops (returns) the source iterator.
 *
 * ```ts
 * for await (const rec of readCaptureStream(fs.createReadStream("trace.pcap"))) replay(rec);
 * ```
 */
export async function* readCaptureStream(
  source: ChunkSource,
  options?: CaptureParserOptions,
): AsyncGenerator<CaptureRecord, void, undefined> {
  const parser = new CaptureParser(options);
  for await (const chunk of chunks(source)) {
    parser.feed(chunk);
    for (let r = parser.next(); r !== undefined; r = parser.next()) yield r;
  }
  parser.close();
  for (let r = parser.next(); r !== undefined; r = parser.next()) yield r;
}

async function* chunks(source: ChunkSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (source !== null && typeof source === "object") {
    if (Symbol.asyncIterator in source) {
      yield* source as AsyncIterable<Uint8Array>;
      return;
    }
    if (Symbol.iterator in source) {
      yield* source as Iterable<Uint8Array>;
      return;
    }
    if (typeof (source as ReadableStreamLike).getReader === "function") {
      const reader = (source as ReadableStreamLike).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          if (value !== undefined) yield value;
        }
      } finally {
        reader.releaseLock();
      }
    }
  }
  throw new TypeError("readCaptureStream: source must be an (async) iterable of Uint8Array or a ReadableStream");
}
