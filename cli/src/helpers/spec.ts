import { UsageError } from "../errors.js";

/** Where `--helper NAME:PROTO/PORT[-PORT]` attaches a helper. */
export interface AttachSpec {
  readonly protocol: "tcp" | "udp" | "udplite";
  readonly port: number | readonly [number, number];
}

/** One `--helper` argument: a helper name and, optionally, where to attach it. */
export interface HelperSpec {
  readonly name: string;
  readonly attach: AttachSpec | null;
}

const SPEC = /^([a-z][a-z0-9_-]*)(?::([a-z]+)\/(\d+)(?:-(\d+))?)?$/i;

/**
 * Parses `NAME[:PROTO/PORT[-PORT]]` (`ftp`, `ftp:tcp/2121`, `irc:tcp/6660-6669`).
 * Whether NAME is a known helper is checked later, against the registry.
 */
export function parseHelperSpec(text: string): HelperSpec {
  const m = SPEC.exec(text.trim());
  if (!m) {
    throw new UsageError(`--helper ${JSON.stringify(text)}: expected NAME or NAME:PROTO/PORT[-PORT], e.g. ftp or ftp:tcp/2121`);
  }
  const name = m[1]!.toLowerCase();
  if (m[2] === undefined) return { name, attach: null };
  const protocol = m[2].toLowerCase();
  if (protocol !== "tcp" && protocol !== "udp" && protocol !== "udplite") {
    throw new UsageError(`--helper ${JSON.stringify(text)}: protocol must be tcp, udp or udplite, not ${JSON.stringify(m[2])}`);
  }
  const lo = port(text, m[3]!);
  if (m[4] === undefined) return { name, attach: { protocol, port: lo } };
  const hi = port(text, m[4]);
  if (hi < lo) throw new UsageError(`--helper ${JSON.stringify(text)}: port range ${lo}-${hi} is backwards`);
  return { name, attach: { protocol, port: lo === hi ? lo : [lo, hi] } };
}

function port(spec: string, digits: string): number {
  const n = Number(digits);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new UsageError(`--helper ${JSON.stringify(spec)}: port ${digits} is not between 1 and 65535`);
  }
  return n;
}

/** `tcp/21` or `tcp/6660-6669`, for messages and headers. */
export function formatAttach(a: { protocol: string | number; port?: number | readonly [number, number]; family?: number }): string {
  const ports = a.port === undefined ? "any" : typeof a.port === "number" ? String(a.port) : `${a.port[0]}-${a.port[1]}`;
  const family = a.family === 4 ? " ipv4" : a.family === 6 ? " ipv6" : "";
  return `${a.protocol}/${ports}${family}`;
}
