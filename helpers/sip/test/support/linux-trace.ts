import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readCapture } from "@alg-sdk/pcap";

/**
 * A trace labelled by a Linux router, read from the repository's
 * test/fixtures/conformance (see its README): the raw IP packets, one label
 * per packet, and `conntrack -E expect` output.
 */

export interface TracePacket {
  readonly ts: number;
  readonly bytes: Uint8Array;
}

/** The fields of a labels.jsonl line the tests compare. */
export interface TraceLabel {
  readonly index: number;
  readonly label: string;
  readonly ct_dir: "original" | "reply" | null;
  readonly ct_expected: boolean;
  readonly ct_helper: string | null;
  readonly step: string;
  readonly expect_events: { event: "NEW" | "DESTROY"; expectation: number }[] | null;
}

/** One line of expect.log. `timeout` is what Linux printed: the policy timeout on NEW, the seconds left on DESTROY. */
export interface ExpectLogLine {
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

const fixtures = (name: string) => fileURLToPath(new URL(`../../../../test/fixtures/conformance/${name}/`, import.meta.url));

export function loadTrace(name: string): { packets: TracePacket[]; labels: TraceLabel[]; expectLog: ExpectLogLine[]; params: string } {
  const dir = fixtures(name);
  const records = [...readCapture(new Uint8Array(readFileSync(dir + "trace-raw.pcap")))];
  if (records.some((r) => r.linkType !== 101)) throw new Error(`${name}: expected raw IP captures (link type 101)`);
  const packets = records.map((r) => ({ ts: r.tsSeconds, bytes: r.data }));
  const labels = lines(dir + "labels.jsonl").map((l) => JSON.parse(l) as TraceLabel);
  const expectLog = lines(dir + "expect.log").map(parseExpectLine);
  return { packets, labels, expectLog, params: readFileSync(dir + "helper-params.txt", "utf8") };
}

function lines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
}

/**
 * `[ts]\t    [NEW] 180 proto=17 src=… dst=… sport=0 dport=20000 mask-src=… mask-dst=… sport=0 dport=65535
 * master-src=… master-dst=… sport=5060 dport=5060 class=1 helper=sip`: the bare sport/dport keys
 * repeat for the tuple, the mask and the master, in that order.
 */
function parseExpectLine(line: string): ExpectLogLine {
  const m = /\[(NEW|DESTROY)\]\s+(\d+)\s+(.*)$/.exec(line);
  if (!m) throw new Error(`unreadable expect.log line: ${line}`);
  const ports: number[] = [];
  const kv = new Map<string, string>();
  for (const token of m[3]!.trim().split(/\s+/)) {
    const [k, v] = token.split("=") as [string, string];
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
