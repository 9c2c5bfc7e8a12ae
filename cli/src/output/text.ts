import { formatAddress, protocolName } from "@alg-sdk/core";

/** Small text helpers shared by the human formats. */

const PORTED = new Set([6, 17, 136]);

/** `10.0.1.2:21`, `[fd00:1::2]:21`, or the bare address for protocols without ports. */
export function endpoint(family: number, words: Uint32Array, protocol: number, port: number): string {
  if (family === 0) return "?";
  const address = formatAddress(family, words);
  if (!PORTED.has(protocol)) return address;
  return family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Protocol column text: `tcp`, `udp`, `icmp`, or the number. */
export function protocolText(family: number, protocol: number): string {
  if (family === 0) return "?";
  const name = protocolName(protocol);
  return name.startsWith("unknown-") ? String(protocol) : name;
}

/** Seconds since `first`, microsecond precision: `12.345678`. */
export function sinceStart(ts: number, first: number): string {
  return (ts - first).toFixed(6);
}

/** UTC time of day with microseconds: `06:33:33.931746`. */
export function timeOfDay(ts: number): string {
  const whole = Math.floor(ts);
  const micros = Math.round((ts - whole) * 1e6);
  const d = new Date(whole * 1000);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  const ss = String(d.getUTCSeconds()).padStart(2, "0");
  return `${hh}:${mm}:${ss}.${String(Math.min(micros, 999999)).padStart(6, "0")}`;
}

/** `2026-11-25 06:33:33.931746 UTC`. */
export function dateTime(ts: number): string {
  const d = new Date(Math.floor(ts) * 1000);
  return `${d.toISOString().slice(0, 10)} ${timeOfDay(ts)} UTC`;
}

/** Thousands separators: `1,000,000`. */
export function count(n: number): string {
  return n.toLocaleString("en");
}

/** `1 packet` / `3 packets`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}
