/** Log lines on stderr, one per event; repeated failures are rate-limited per key. */
export type LogLevel = "error" | "warn" | "info" | "debug";

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  level: LogLevel;
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  /** At most one line per `key` a second; the next one says how many were left out. */
  limited(level: LogLevel, key: string, msg: string): void;
}

export function createLogger(level: LogLevel = "info", write: (line: string) => void = (l) => process.stderr.write(l + "\n")): Logger {
  const last = new Map<string, { at: number; skipped: number }>();
  const log = (l: LogLevel, msg: string): void => {
    if (RANK[l] <= RANK[logger.level]) write(`alg-sdk-daemon ${l}: ${msg}`);
  };
  const logger: Logger = {
    level,
    error: (m) => log("error", m),
    warn: (m) => log("warn", m),
    info: (m) => log("info", m),
    debug: (m) => log("debug", m),
    limited(l, key, msg) {
      const now = Date.now();
      const seen = last.get(key);
      if (seen && now - seen.at < 1000) {
        seen.skipped++;
        return;
      }
      const skipped = seen?.skipped ?? 0;
      // Keys are a few fixed kinds (errno names, queue numbers): the map stays small.
      last.set(key, { at: now, skipped: 0 });
      log(l, skipped > 0 ? `${msg} (${skipped} similar left out)` : msg);
    },
  };
  return logger;
}
