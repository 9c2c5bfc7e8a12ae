import { describe, expect, it } from "vitest";
import { formatConnection, type EngineEvent, type TupleInfo } from "@alg-sdk/core";
import { helperHarness } from "@alg-sdk/testing";
import { pptpHelper } from "../src/index.js";
import { expectLogOf, loadTrace } from "../../../test/support/linux-trace.js";

/**
 * Replays the PPTP trace a Linux 6.18 router labelled (nf_conntrack_pptp
 * attached to tcp/1723 by an nftables `ct helper` rule): a control session,
 * an outgoing call (PNS call id 0x4001, PAC call id 0x8001), GRE both ways,
 * echo, Call-Clear-Request / Call-Disconnect-Notify, GRE after the call,
 * and the session's end.
 */

const TRACE = loadTrace("gre-pptp-ipv4");
const { packets, labels } = TRACE;

/** The GRE entries of conntrack.log, without what alg-sdk does not model here (mark, counters, ids). */
function linuxGreEvents(): string[] {
  return TRACE.conntrackLog!
    .filter((l) => / gre /.test(l))
    .map((l) =>
      l
        .replace(/^\[[^\]]*\]\s+/, "")
        .replace(/ (packets|bytes|mark|id|delta-time)=\S+/g, "")
        .replace(/\s+/g, " ")
        .replace(/^\[(\w+)\] /, "$1 "),
    );
}
function asConntrackLine(e: EngineEvent): string | null {
  if (e.type !== "conn-new" && e.type !== "conn-update" && e.type !== "conn-destroy") return null;
  const c = e.connection;
  if (c.original.protocolName !== "gre") return null;
  const tuple = (t: TupleInfo) => `src=${t.src} dst=${t.dst} ${t.keyText}`;
  const event = e.type === "conn-new" ? "NEW" : e.type === "conn-update" ? "UPDATE" : "DESTROY";
  return [event, "gre", "47", String(Math.floor(c.timeout + 1e-6)), tuple(c.original), ...(c.seenReply ? [] : ["[UNREPLIED]"]), tuple(c.reply), ...(c.assured ? ["[ASSURED]"] : [])].join(" ");
}

function replay(checksums: boolean) {
  const h = helperHarness({ helpers: [pptpHelper()], checksums });
  const eventPacket: number[] = [];
  const events: EngineEvent[] = [];
  h.engine.on((e) => {
    events.push(e);
    eventPacket.push(h.records.length);
  });
  for (const p of packets) h.run(p);
  return { h, events, eventPacket };
}

describe("conformance: gre-pptp-ipv4", () => {
  it("was recorded with pptp on tcp/1723 (its default attachment) and Linux's GRE timeouts", () => {
    expect(TRACE.replayArgs).toContain("--helper pptp:tcp/1723");
    expect(TRACE.helperParams).toContain("nf_conntrack_gre_timeout = 30");
    expect(TRACE.helperParams).toContain("nf_conntrack_gre_timeout_stream = 180");
    expect(labels).toHaveLength(packets.length);
  });

  for (const checksums of [false, true]) {
    describe(checksums ? "with checksum verification (as the router ran)" : "without checksum verification", () => {
      const { h, events, eventPacket } = replay(checksums);

      it("agrees with Linux on every packet's state, direction, EXPECTED status and helper", () => {
        const bad = labels.flatMap((l) => {
          const r = h.records[l.index]!;
          // The labeller writes "none" or null for a connection without a helper.
          const ours = `${r.state}/${r.direction}/${r.expected}/${r.helper ?? "none"}`;
          const linux = `${l.label}/${l.ct_dir}/${l.ct_expected}/${l.ct_helper ?? "none"}`;
          return ours === linux ? [] : [`#${l.index} (${l.step}): ours ${ours}, Linux ${linux}`];
        });
        expect(bad).toEqual([]);
        expect(h.records.filter((r) => r.state === "RELATED").map((r) => r.index)).toEqual([12]);
      });

      it("creates and removes the same expectations as Linux's expect.log, keyed by call id", () => {
        // Tuple and mask keyed by GRE call id (srckey/dstkey), the master by TCP port; the seconds left on DESTROY.
        expect(expectLogOf(events)).toEqual(TRACE.expectLog);
        expect(TRACE.expectLog.map((e) => [e.tuple.keys, e.mask.keys, e.master.keys])).toEqual(TRACE.expectLog.map(() => ["gre", "gre", "ports"]));
        // Both made by the Outgoing-Call-Reply (packet 8); both gone with the first GRE packet: one used, the other withdrawn.
        const when = events.flatMap((e, i) => (e.type === "expect-new" || e.type === "expect-destroy" ? [`${e.type}@${eventPacket[i]}`] : []));
        expect(when).toEqual(["expect-new@8", "expect-new@8", "expect-destroy@12", "expect-destroy@12"]);
        expect(events.flatMap((e) => (e.type === "expect-destroy" ? [e.reason] : []))).toEqual(["matched", "removed"]);
      });

      it("the GRE entries go through the states, keys and timeouts of conntrack.log: one entry for both directions while the keymaps exist, destroyed by Call-Disconnect-Notify", () => {
        const ours = events.map(asConntrackLine).filter((l): l is string => l !== null);
        expect(ours).toEqual(linuxGreEvents());
        const destroyed = events.findIndex((e) => e.type === "conn-destroy" && e.connection.original.protocolName === "gre");
        expect(eventPacket[destroyed]).toBe(22);
      });

      it("prints the GRE entries as conntrack -L does", () => {
        const gre = [...h.engine.connections()].filter((c) => c.original.protocolName === "gre").map(formatConnection);
        expect(gre.some((l) => l.includes("src=10.0.1.2 dst=10.0.2.2 srckey=0x0 dstkey=0x8001"))).toBe(true);
      });
    });
  }
});
