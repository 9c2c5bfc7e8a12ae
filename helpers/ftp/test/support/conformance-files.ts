import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readCapture } from "@alg-sdk/pcap";

/** One packet of a trace: its IP bytes (raw-IP captures) and time in seconds. */
export interface PcapRecord {
  readonly ts: number;
  readonly bytes: Uint8Array;
}

function readClassicPcap(file: Uint8Array): { linkType: number; records: PcapRecord[] } {
  const records = [...readCapture(file)];
  return { linkType: records[0]?.linkType ?? -1, records: records.map((r) => ({ ts: r.tsSeconds, bytes: r.data })) };
}

/** The fields of a labels.jsonl line the tests compare. */
export interface Label {
  readonly index: number;
  readonly label: string;
  readonly ct_dir: "original" | "reply" | null;
  readonly ct_expected: boolean;
  readonly ct_helper: string | null;
  readonly expect_events: { event: "NEW" | "DESTROY"; expectation: number }[] | null;
}

/** One line of expect.log (`conntrack -E expect`). */
export interface ExpectLogEntry {
  readonly event: "NEW" | "DESTROY";
  readonly timeout: number;
  readonly proto: number;
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  readonly maskSrc: string;
  readonly maskDst: string;
  readonly maskSport: number;
  readonly maskDport: number;
  readonly masterSrc: string;
  readonly masterDst: string;
  readonly masterSport: number;
  readonly masterDport: number;
  readonly class: number;
  readonly helper: string;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export function loadTrace(name: string): { records: PcapRecord[]; labels: Label[]; expectLog: ExpectLogEntry[] } {
  const dir = here(`../fixtures/${name}/`);
  const { linkType, records } = readClassicPcap(new Uint8Array(readFileSync(dir + "trace-raw.pcap")));
  if (linkType !== 101) throw new Error(`${name}: expected raw IP (101), got link type ${linkType}`);
  const labels = readFileSync(dir + "labels.jsonl", "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Label);
  const expectLog = readFileSync(dir + "expect.log", "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map(parseExpectLine);
  return { records, labels, expectLog };
}

/**
 * Parses e.g. `[ts]\t    [NEW] 300 proto=6 src=… dst=… sport=0 dport=47225 mask-src=… mask-dst=… sport=0
 * dport=65535 master-src=… master-dst=… sport=59638 dport=21 class=0 helper=ftp`. The bare sport/dport
 * keys repeat: tuple, mask, master, in that order.
 */
function parseExpectLine(line: string): ExpectLogEntry {
  const m = /\[(NEW|DESTROY)\]\s+(\d+)\s+(.*)$/.exec(line);
  if (!m) throw new Error(`unreadable expect.log line: ${line}`);
  const ports: number[] = [];
  const kv = new Map<string, string>();
  for (const tok of m[3]!.trim().split(/\s+/)) {
    const [k, v] = tok.split("=") as [string, string];
    if (k === "sport" || k === "dport") ports.push(Number(v));
    else kv.set(k, v);
  }
  return {
    event: m[1] as "NEW" | "DESTROY",
    timeout: Number(m[2]),
    proto: Number(kv.get("proto")),
    src: kv.get("src")!,
    dst: kv.get("dst")!,
    sport: ports[0]!,
    dport: ports[1]!,
    maskSrc: kv.get("mask-src")!,
    maskDst: kv.get("mask-dst")!,
    maskSport: ports[2]!,
    maskDport: ports[3]!,
    masterSrc: kv.get("master-src")!,
    masterDst: kv.get("master-dst")!,
    masterSport: ports[4]!,
    masterDport: ports[5]!,
    class: Number(kv.get("class")),
    helper: kv.get("helper")!,
  };
}
