/**
 * Wraps a chunk source so that `stop()` ends the iteration at once, even
 * while a read is pending (a live stream may be silent for minutes): watch's
 * Ctrl-C must print the totals now, not after the next packet arrives.
 */
export function interruptible(source: AsyncIterable<Uint8Array>): { chunks: AsyncIterable<Uint8Array>; stop: () => void } {
  let stop!: () => void;
  const stopped = new Promise<"stopped">((resolve) => (stop = () => resolve("stopped")));
  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    const it = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        const r = await Promise.race([it.next(), stopped]);
        if (r === "stopped" || r.done) return;
        yield r.value;
      }
    } finally {
      // Releases the source (a Node stream is destroyed by its iterator's return).
      void it.return?.();
    }
  }
  return { chunks: chunks(), stop };
}
