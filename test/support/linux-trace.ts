import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { EngineEvent, ExpectationInfo, TupleInfo } from "@alg-sdk/core";
import { readCapture } from "@alg-sdk/pcap";

/**
 * The traces a Linux router labelled, as the repository keeps them in
 * test/fixtures/conformance/<scenario>/ (that folder's README.md explains every
 * file). One loader for every suite that compares against them.
 */

/** LINKTYPE_RAW: trace-raw.pcap holds bare IP datagrams, the engine's input as is. */
const RAW_IP = 101;

/** The state Linux gave a packet (`ct state`). */
export type LinuxState = "NEW" | "ESTABLISHED" | "RELATED" | "INVALID" | "UNTRACKED";

/** One packet of trace-raw.pcap: its IP datagram and capture time in seconds. */
export interface TracePacket {
  readonly ts: number;
  readonly bytes: Uint8Array;
}

/** A connection tuple as labels.jsonl's `ct_tuples` records it (ports, or ICMP type and id). */
export interface LabelTuple {
  readonly src: string;
  readonly dst: string;
  readonly sport?: number;
  readonly dport?: number;
  readonly type?: number;
  readonly id?: number;
}

/** The fields of a labels.jsonl line that the suites read (one line per packet, same order). */
export interface LinuxLabel {
  readonly index: number;
  readonly label: LinuxState;
  /** null for INVALID / UNTRACKED packets. */
  readonly ct_dir: "original" | "reply" | null;
  /** The connection came from an expectation; null when there is no connection. */
  readonly ct_expected: boolean | null;
  /** The connection's helper: a name, "none", or null without a connection. */
  readonly ct_helper: string | null;
  readonly ct_master_helper: string | null;
  /** "output" for packets the router sent itself (its ICMP errors). */
  readonly hook: "prerouting" | "output";
  readonly proto: string;
  /** What the scenario was doing. */
  readonly step: string;
  /** Expectation events Linux logged with this packet; `expectation` numbers them in creation order. */
  readonly expect_events: readonly { readonly event: "NEW" | "DESTROY"; readonly expectation: number }[] | null;
}

/** A label of a NAT trace (`nat-*`): what left the router, and how Linux translated the connection. */
export interface NatLabel extends LinuxLabel {
  /** The datagram that left the router (hex, no link layer), null if none did. */
  readonly egress_hex: string | null;
  /** The connection's tuples as Linux stored them (the reply tuple shows the translation). */
  readonly ct_tuples: { readonly original: LabelTuple; readonly reply: LabelTuple } | null;
}

/** A tuple of expect.log: ports (`sport=`/`dport=`) or, for GRE, call-id keys (`srckey=0x…`/`dstkey=0x…`). */
export interface LoggedTuple {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  readonly keys: "ports" | "gre";
}

/** One line of expect.log (`conntrack -E expect`). */
export interface ExpectLogEntry {
  readonly event: "NEW" | "DESTROY";
  /** What Linux printed: the policy timeout on NEW, the whole seconds left on DESTROY. */
  readonly timeout: number;
  readonly proto: number;
  readonly tuple: LoggedTuple;
  readonly mask: LoggedTuple;
  /** The master connection's original tuple. */
  readonly master: LoggedTuple;
  readonly class: number;
  readonly helper: string;
}

export interface LinuxTrace {
  readonly name: string;
  readonly packets: TracePacket[];
  readonly labels: LinuxLabel[];
  /** Empty when the scenario created no expectation (or has no expect.log). */
  readonly expectLog: ExpectLogEntry[];
  /** `conntrack -E` lines, as printed. */
  readonly conntrackLog?: string[];
  /** helper-params.txt: the module parameters the router ran with. */
  readonly helperParams?: string;
  /** replay.args: the same helper attachment as `alg-sdk replay` options. */
  readonly replayArgs?: string;
}

/** The labels of a NAT trace; refuses a trace whose labels do not record the egress. */
export function natLabels(trace: LinuxTrace): NatLabel[] {
  return trace.labels.map((l) => {
    if (!("egress_hex" in l) || !("ct_tuples" in l)) throw new Error(`${trace.name}: label ${l.index} has no egress_hex / ct_tuples: not a NAT trace`);
    return l as NatLabel;
  });
}

/** The path of one file of a scenario (for suites that hand it to the CLI). */
export function traceFile(scenario: string, file: string): string {
  return fileURLToPath(new URL(`../fixtures/conformance/${scenario}/${file}`, import.meta.url));
}

export function loadTrace(name: string): LinuxTrace {
  const file = (f: string) => traceFile(name, f);
  const optional = (f: string) => (existsSync(file(f)) ? readFileSync(file(f), "utf8") : undefined);
  const packets = [...readCapture(new Uint8Array(readFileSync(file("trace-raw.pcap"))))].map((r, i) => {
    if (r.linkType !== RAW_IP) throw new Error(`${name}: packet ${i} has link type ${r.linkType}, not raw IP (${RAW_IP})`);
    return { ts: r.tsSeconds, bytes: r.data };
  });
  const labels = nonEmptyLines(readFileSync(file("labels.jsonl"), "utf8")).map((l) => JSON.parse(l) as LinuxLabel);
  const expectText = optional("expect.log");
  const conntrackText = optional("conntrack.log");
  const helperParams = optional("helper-params.txt");
  const replayArgs = optional("replay.args");
  return {
    name,
    packets,
    labels,
    expectLog: expectText === undefined ? [] : nonEmptyLines(expectText).map(parseExpectLine),
    ...(conntrackText !== undefined ? { conntrackLog: nonEmptyLines(conntrackText) } : {}),
    ...(helperParams !== undefined ? { helperParams } : {}),
    ...(replayArgs !== undefined ? { replayArgs } : {}),
  };
}

function nonEmptyLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

/**
 * Reads one line of `conntrack -E expect`:
 * `[1795581213.935994]\t    [NEW] 300 proto=6 src=… dst=… sport=0 dport=47225 mask-src=… mask-dst=… sport=0
 * dport=65535 master-src=… master-dst=… sport=59638 dport=21 class=0 helper=ftp`.
 * The port keys repeat without a prefix: the tuple's, then the mask's (after `mask-src`), then the
 * master's (after `master-src`). GRE tuples print call ids as `srckey=0x4001 dstkey=0x8001` instead.
 * Anything else on the line is an error, so a format the tests do not know cannot pass unread.
 */
export function parseExpectLine(line: string): ExpectLogEntry {
  const m = /^\[[^\]]*\]\s+\[(NEW|DESTROY)\]\s+(\d+)\s+(.*)$/.exec(line);
  if (!m) throw new Error(`unreadable expect.log line: ${line}`);
  const sections = { tuple: new Map<string, string>(), mask: new Map<string, string>(), master: new Map<string, string>() };
  const top = new Map<string, string>();
  let section: keyof typeof sections = "tuple";
  for (const token of m[3]!.trim().split(/\s+/)) {
    const eq = token.indexOf("=");
    if (eq <= 0) throw new Error(`unknown token ${JSON.stringify(token)} in expect.log line: ${line}`);
    let key = token.slice(0, eq);
    const value = token.slice(eq + 1);
    if (key.startsWith("mask-")) [section, key] = ["mask", key.slice(5)];
    else if (key.startsWith("master-")) [section, key] = ["master", key.slice(7)];
    if (["src", "dst", "sport", "dport", "srckey", "dstkey"].includes(key)) sections[section].set(key, value);
    else if (["proto", "class", "helper"].includes(key)) top.set(key, value);
    else throw new Error(`unknown key ${key} in expect.log line: ${line}`);
  }
  const required = (map: Map<string, string>, key: string) => {
    const v = map.get(key);
    if (v === undefined) throw new Error(`expect.log line without ${key}: ${line}`);
    return v;
  };
  const tuple = (map: Map<string, string>): LoggedTuple => {
    const gre = map.has("srckey");
    return {
      src: required(map, "src"),
      dst: required(map, "dst"),
      // Keys are printed in hex (0x4001), ports in decimal; Number() reads both.
      sport: Number(required(map, gre ? "srckey" : "sport")),
      dport: Number(required(map, gre ? "dstkey" : "dport")),
      keys: gre ? "gre" : "ports",
    };
  };
  return {
    event: m[1] as "NEW" | "DESTROY",
    timeout: Number(m[2]),
    proto: Number(required(top, "proto")),
    tuple: tuple(sections.tuple),
    mask: tuple(sections.mask),
    master: tuple(sections.master),
    class: Number(required(top, "class")),
    helper: required(top, "helper"),
  };
}

/** Which keys a tuple of ours prints: GRE tuples carry `keyText` (`srckey=… dstkey=…`), port tuples do not. */
const keysOf = (t: TupleInfo): LoggedTuple["keys"] => (t.keyText?.startsWith("srckey=") ? "gre" : "ports");

/**
 * One of our expectations as an expect.log line. `timeout` defaults to what Linux prints: the
 * policy timeout, exactly, on NEW; the whole seconds left on DESTROY.
 */
export function asExpectLogEntry(event: "NEW" | "DESTROY", e: ExpectationInfo, timeout = event === "NEW" ? e.timeout : Math.floor(e.timeout + 1e-6)): ExpectLogEntry {
  const m = e.master;
  if (m === null) throw new Error(`expectation ${e.id} has no master: Linux always prints one`);
  return {
    event,
    timeout,
    proto: e.tuple.protocol,
    tuple: { src: e.tuple.src, dst: e.tuple.dst, sport: e.tuple.srcPort, dport: e.tuple.dstPort, keys: keysOf(e.tuple) },
    // Linux prints the mask with the expected tuple's protocol, so with the same kind of keys.
    mask: { src: e.mask.src, dst: e.mask.dst, sport: e.mask.srcPort, dport: e.mask.dstPort, keys: keysOf(e.tuple) },
    master: { src: m.original.src, dst: m.original.dst, sport: m.original.srcPort, dport: m.original.dstPort, keys: keysOf(m.original) },
    class: e.class,
    helper: e.helper,
  };
}

/** Our expect-new / expect-destroy events as expect.log, in order (compare with `toEqual(trace.expectLog)`). */
export function expectLogOf(events: readonly EngineEvent[], timeoutOf?: (event: "NEW" | "DESTROY", e: ExpectationInfo) => number): ExpectLogEntry[] {
  return events.flatMap((e) => {
    if (e.type !== "expect-new" && e.type !== "expect-destroy") return [];
    const event = e.type === "expect-new" ? "NEW" : "DESTROY";
    return [asExpectLogEntry(event, e.expectation, timeoutOf?.(event, e.expectation))];
  });
}

/** Linux's expectation events per packet, from the labels: `NEW #0 @5` = expectation 0 created by packet 5. */
export function linuxExpectEvents(labels: readonly LinuxLabel[]): string[] {
  return labels.flatMap((l) => (l.expect_events ?? []).map((ev) => `${ev.event} #${ev.expectation} @${l.index}`));
}

/**
 * Ours in the same words. `eventPacket[i]` is the packet that caused `events[i]`; expectations are
 * numbered in creation order, as the labeller numbered Linux's.
 */
export function ourExpectEvents(events: readonly EngineEvent[], eventPacket: readonly number[]): string[] {
  const numbers = new Map<number, number>();
  return events.flatMap((e, i) => {
    if (e.type !== "expect-new" && e.type !== "expect-destroy") return [];
    if (e.type === "expect-new") numbers.set(e.expectation.id, numbers.size);
    return [`${e.type === "expect-new" ? "NEW" : "DESTROY"} #${numbers.get(e.expectation.id)} @${eventPacket[i]}`];
  });
}
