import { InputError } from "../errors.js";
import type { OutputStream } from "../io.js";

/** How long an input may stay silent. */
export interface PatienceOptions {
  /** For messages: the path, or "standard input". */
  readonly name: string;
  /** What the input is waiting for, for the notice ("it is a FIFO and no program has opened it for writing", …). */
  readonly what: string;
  /** Where the notice goes (never the output: it must not mix with the report). */
  readonly stderr: OutputStream;
  /** Seconds of silence before the notice (default 5). */
  readonly noticeSeconds?: number;
  /** Seconds without data after which reading gives up with an error (`--input-timeout`); undefined: wait. */
  readonly timeoutSeconds: number | undefined;
  /** Releases whatever the source is blocked in, when giving up (a FIFO's open, standard input). */
  readonly giveUp: () => void;
}

const SILENT = Symbol("silent");

/** `p`, or SILENT when it has not settled within `ms` (Infinity: wait). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | typeof SILENT> {
  if (ms === Infinity) return p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<typeof SILENT>((resolve) => (timer = setTimeout(() => resolve(SILENT), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Watches a chunk source that may never deliver (a FIFO nobody writes to,
 * a pipe whose writer hangs) instead of waiting silently forever: after
 * `noticeSeconds` without data it says once, on stderr, what it is waiting
 * for; with a timeout it gives up after `timeoutSeconds` without data
 * (before the first chunk or between two) with an {@link InputError}.
 */
export async function* withPatience(source: AsyncIterable<Uint8Array>, o: PatienceOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const it = source[Symbol.asyncIterator]();
  const noticeMs = (o.noticeSeconds ?? 5) * 1000;
  const timeoutMs = o.timeoutSeconds === undefined ? Infinity : o.timeoutSeconds * 1000;
  let noticed = false;
  let received = 0;
  try {
    for (;;) {
      const next = it.next();
      let r = await within(next, noticed ? timeoutMs : Math.min(noticeMs, timeoutMs));
      if (r === SILENT && !noticed && noticeMs < timeoutMs) {
        noticed = true;
        const what = received === 0 ? o.what : "nothing more has arrived";
        const then = o.timeoutSeconds === undefined ? "; --input-timeout SECONDS gives up instead of waiting" : `; giving up after ${o.timeoutSeconds} s`;
        o.stderr.write(`alg-sdk: still waiting for data from ${o.name}: ${what}${then}\n`);
        r = await within(next, timeoutMs - noticeMs);
      }
      if (r === SILENT) {
        o.giveUp();
        void next.catch(() => undefined);
        throw new InputError(`${o.name}: no data for ${o.timeoutSeconds} s (--input-timeout)${received === 0 ? `: ${o.what}` : ""}`);
      }
      if (r.done === true) return;
      received += r.value.length;
      yield r.value;
    }
  } finally {
    void it.return?.()?.catch(() => undefined);
  }
}
