import { formatAddress, Reason, reasonName, type ConnectionInfo, type EngineEvent, type ExpectationInfo, type TupleInfo } from "@alg-sdk/core";
import type { PacketOutcome } from "../replay/outcome.js";
import { protocolText } from "./text.js";
import { encode, putAscii, putBytes, putDigits, putIpv4, putSpaces, putUint, uintWidth } from "./bytes.js";
import type { BufferedWriter } from "./writer.js";

/** Column widths of the packet table (addresses wider than this push the line, they are not cut). */
const W = { index: 7, time: 12, proto: 6, endpoint: 21, state: 11, dir: 8, helper: 6, fw: 16 } as const;
/** Longest line the packet table writes in one go (IPv6 tuples and notes included). */
const LINE = 1024;

const STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED", "(held)"];
const DIRS = ["-", "original", "reply"];
const PORTED = new Set([6, 17, 136]);

/** The state, direction, helper and firewall columns of a line, with and without the line's end. */
interface Tail {
  /** Padded, for a note to follow. */
  readonly open: Uint8Array;
  /** Trimmed, with the newline. */
  readonly closed: Uint8Array;
}

/** The column header matching {@link writePacketLine}. */
export function packetHeader(firewall: boolean): string {
  return (
    `${"#".padStart(W.index)} ${"time".padStart(W.time)}  ${"proto".padEnd(W.proto)} ${"source".padEnd(W.endpoint)} ` +
    `${"destination".padEnd(W.endpoint)} ${"state".padEnd(W.state)} ${"dir".padEnd(W.dir)} ${"helper".padEnd(W.helper)} ` +
    `${firewall ? `${"firewall".padEnd(W.fw)} ` : ""}note`
  );
}

/**
 * Writes one packet's line: number, seconds since the first packet, tuple,
 * state, direction, helper, the firewall's verdict with `--rules`, and a
 * note (why it is INVALID, which expectation it matched, …). Written into
 * the output buffer piece by piece: see {@link BufferedWriter} for why.
 */
export class PacketLineWriter {
  // Everything after the tuple depends on a few small values: each
  // combination is encoded once and copied (one copy instead of four
  // padded pieces per line).
  private readonly helperIds = new Map<string, number>();
  private readonly tails = new Map<number, Tail>();
  private readonly protocols = new Map<number, Uint8Array>();

  constructor(
    private readonly out: BufferedWriter,
    private readonly firewall: boolean,
  ) {}

  /** `first*`: the first packet's time, which the time column counts from. */
  write(p: PacketOutcome, firstSec: number, firstNanos: number, events: readonly EngineEvent[]): void {
    const out = this.out;
    p.tuple();
    out.reserve(LINE);
    const b = out.buf;
    let q = putSpaces(b, out.pos, W.index - uintWidth(p.index));
    q = putUint(b, q, p.index);
    b[q++] = 32;
    q = putTime(b, q, p.tsSec - firstSec, p.tsNanos - firstNanos);
    b[q++] = 32;
    b[q++] = 32;
    q = putBytes(b, q, this.protocol(p.family, p.protocol));
    let col = q;
    q = putEndpoint(b, q, p.family, p.src, p.portsKnown ? p.protocol : -1, p.sport);
    q = putSpaces(b, q, Math.max(W.endpoint + 1 - (q - col), 1));
    col = q;
    q = putEndpoint(b, q, p.family, p.dst, p.portsKnown ? p.protocol : -1, p.dport);
    q = putSpaces(b, q, Math.max(W.endpoint + 1 - (q - col), 1));
    const tail = this.tail(p);
    const text = note(p, events);
    if (text === "") {
      out.pos = putBytes(b, q, tail.closed);
      return;
    }
    out.pos = putBytes(b, q, tail.open);
    out.write(`${text}\n`);
  }

  private protocol(family: number, protocol: number): Uint8Array {
    const key = family === 0 ? -1 : protocol;
    let b = this.protocols.get(key);
    if (b === undefined) {
      const name = protocolText(family, protocol);
      this.protocols.set(key, (b = encode(`${name.padEnd(W.proto)} `)));
    }
    return b;
  }

  private tail(p: PacketOutcome): Tail {
    let helper = 0;
    if (p.helper !== null) {
      helper = this.helperIds.get(p.helper) ?? 0;
      if (helper === 0) this.helperIds.set(p.helper, (helper = this.helperIds.size + 1));
    }
    const state = p.verdict === 2 ? 5 : p.state;
    // The firewall part: verdict and deciding rule (-2 conntrack, -1 policy, else its index; the line follows from it).
    const fw = p.fw === null ? 0 : (p.rule + 3) * 2 + (p.fw === "drop" ? 1 : 0);
    // Small enough to stay a small integer, which Map hashes fastest.
    const cacheable = fw < 4096 && helper < 1024;
    const key = ((state * 3 + p.direction + 1) * 1024 + helper) * 4096 + fw;
    let t = cacheable ? this.tails.get(key) : undefined;
    if (t === undefined) {
      let text = `${STATES[state]!.padEnd(W.state)} ${DIRS[p.direction + 1]!.padEnd(W.dir)} ${(p.helper ?? "-").padEnd(W.helper)} `;
      if (this.firewall) text += `${firewallText(p).padEnd(W.fw)} `;
      t = { open: encode(text), closed: encode(`${text.trimEnd()}\n`) };
      if (cacheable) this.tails.set(key, t);
    }
    return t;
  }
}

/** `accept (line 9)`, `DROP (policy)`; drops in capitals so they stand out. */
function firewallText(p: PacketOutcome): string {
  if (p.fw === null) return "-";
  const verdict = p.fw === "drop" ? "DROP" : "accept";
  return verdict + (p.rule === -2 ? " (conntrack)" : p.rule === -1 ? " (policy)" : ` (line ${p.ruleLine})`);
}

/** Seconds since the first packet, right-aligned, microseconds (a packet may precede the first by a microsecond). */
function putTime(b: Uint8Array, q: number, sec: number, nanos: number): number {
  let micros = sec * 1_000_000 + Math.round(nanos / 1000);
  const negative = micros < 0;
  if (negative) micros = -micros;
  const whole = Math.floor(micros / 1_000_000);
  q = putSpaces(b, q, W.time - (uintWidth(whole) + 7 + (negative ? 1 : 0)));
  if (negative) b[q++] = 45;
  q = putUint(b, q, whole);
  b[q++] = 46;
  return putDigits(b, q, micros % 1_000_000, 6);
}

/** `10.0.1.2:21`, `[fd00:1::2]:21`, or the bare address for protocols without ports; `?` when unreadable. */
function putEndpoint(b: Uint8Array, q: number, family: number, words: Uint32Array, protocol: number, port: number): number {
  if (family === 0) {
    b[q] = 63;
    return q + 1;
  }
  const ported = PORTED.has(protocol);
  if (family === 4) q = putIpv4(b, q, words[0]!);
  else q = putAscii(b, q, ported ? `[${formatAddress(6, words)}]` : formatAddress(6, words));
  if (!ported) return q;
  b[q++] = 58;
  return putUint(b, q, port);
}

function note(p: PacketOutcome, events: readonly EngineEvent[]): string {
  // A filter drop is the firewall column's to show, not a note (an INVALID packet still shows why it is INVALID).
  const filtered = p.dropReason === Reason.FILTERED;
  const reason = filtered && p.reason === Reason.FILTERED ? 0 : p.reason;
  if (p.verdict !== 2 && p.icmpType < 0 && p.expectationId === 0 && reason === 0) return "";
  const parts: string[] = [];
  if (p.verdict === 2) parts.push("fragment held for reassembly");
  if (p.icmpType >= 0) parts.push(`icmp type ${p.icmpType} code ${p.icmpCode}`);
  if (p.expectationId !== 0) {
    const e = events.find((x) => x.type === "expect-destroy" && x.expectation.id === p.expectationId);
    const helper = e?.type === "expect-destroy" ? ` (${e.expectation.helper})` : "";
    parts.push(`matches expectation ${p.expectationId}${helper}`);
  }
  if (reason !== 0) parts.push(p.verdict === 1 && !filtered ? `dropped by conntrack: ${reasonName(reason)}` : reasonName(reason)!);
  return parts.join("; ");
}

/** `                + expectation 1 (ftp): tcp 10.0.2.2 -> 10.0.1.2:40123, 300 s` under the packet that caused it. */
export function eventLine(e: EngineEvent): string | null {
  const indent = " ".repeat(W.index + 1);
  if (e.type === "expect-new") {
    const x = e.expectation;
    return `${indent}+ expectation ${x.id} (${x.helper}): ${expectationText(x)}, expires in ${Math.round(x.timeout)} s\n`;
  }
  if (e.type === "expect-destroy" && e.reason !== "matched") {
    return `${indent}- expectation ${e.expectation.id} (${e.expectation.helper}) ${DESTROYED[e.reason] ?? e.reason}\n`;
  }
  if (e.type === "helper-error") return `${indent}! helper ${e.helper} failed on connection ${e.connectionId}: ${String(e.error)}\n`;
  if (e.type === "payload-rewrite") {
    return `${indent}~ ${e.helper} rewrote ${JSON.stringify(e.before)} as ${JSON.stringify(e.after)} at payload offset ${e.offset}\n`;
  }
  return null;
}

/**
 * `                = snat: reply src=10.0.2.2 dst=10.0.2.100 sport=21 dport=60694`
 * under the first packet of a translated connection: its reply tuple, as
 * `conntrack -L` prints it, is where the translation shows.
 */
export function translationLine(c: ConnectionInfo): string {
  const o = c.original;
  const r = c.reply;
  // Linux's view: the reply no longer comes from where the original went (DNAT), or no longer goes back to its source (SNAT).
  const dnat = r.src !== o.dst || r.srcPort !== o.dstPort;
  const snat = r.dst !== o.src || r.dstPort !== o.srcPort || (o.icmp !== undefined && r.icmp?.id !== o.icmp.id);
  const kinds = [dnat ? "dnat" : "", snat ? "snat" : ""].filter((k) => k !== "").join(" + ") || "nat";
  return `${" ".repeat(W.index + 1)}= ${kinds}: reply ${conntrackTuple(r)}\n`;
}

/** A tuple in `conntrack -L`'s words. */
function conntrackTuple(t: TupleInfo): string {
  if (t.icmp) return `src=${t.src} dst=${t.dst} type=${t.icmp.type} code=${t.icmp.code} id=${t.icmp.id}`;
  if (!PORTED.has(t.protocol)) return `src=${t.src} dst=${t.dst}`;
  return `src=${t.src} dst=${t.dst} sport=${t.srcPort} dport=${t.dstPort}`;
}

const DESTROYED: Readonly<Record<string, string>> = {
  timeout: "expired unused",
  evicted: "evicted (too many pending for its connection)",
  replaced: "replaced by a newer one",
  "master-destroyed": "removed with its connection",
  flushed: "flushed",
};

/** `tcp 10.0.2.2:* -> 10.0.1.2:40123`: `*` where the expectation accepts anything. */
export function expectationText(e: ExpectationInfo): string {
  const t = e.tuple;
  const anySrc = /^(0\.0\.0\.0|::)$/.test(e.mask.src);
  const src = anySrc ? "*" : t.src;
  const srcPort = e.mask.srcPort === 0 ? "*" : String(t.srcPort);
  const bracket = (a: string) => (t.family === 6 && a !== "*" ? `[${a}]` : a);
  return `${t.protocolName} ${bracket(src)}:${srcPort} -> ${bracket(t.dst)}:${t.dstPort}`;
}
