import type { EngineOptions, ExpectationInfo } from "@alg-sdk/core";
import { helperHarness } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { sipHelper } from "../src/index.js";
import { loadTrace, type ExpectLogLine } from "./support/linux-trace.js";

/**
 * Replays the SIP trace a Linux 6.18 router labelled (nf_conntrack_sip
 * attached to udp/5060 by an nftables `ct helper` rule, default module
 * parameters): an INVITE with an audio and a video offer, its answer, RTP
 * and RTCP both ways, a BYE, and media after the BYE.
 */

const TRACE = loadTrace("sip-udp-ipv4");

function asLogLine(e: ExpectationInfo, event: "NEW" | "DESTROY"): ExpectLogLine {
  return {
    event,
    // Linux prints whole seconds left: the policy timeout on NEW, what remains on DESTROY.
    timeout: Math.floor(e.timeout + 1e-6),
    proto: e.tuple.protocol,
    src: e.tuple.src,
    dst: e.tuple.dst,
    sport: e.tuple.srcPort,
    dport: e.tuple.dstPort,
    maskSrc: e.mask.src,
    maskDst: e.mask.dst,
    maskSport: e.mask.srcPort,
    maskDport: e.mask.dstPort,
    masterSrc: e.master!.original.src,
    masterDst: e.master!.original.dst,
    masterSport: e.master!.original.srcPort,
    masterDport: e.master!.original.dstPort,
    class: e.class,
    helper: e.helper,
  };
}

function replay(options: Omit<EngineOptions, "helpers" | "attach"> = {}, helpers = [sipHelper()]) {
  // The router's rule: `ct state new udp dport 5060 ct helper set "sip-udp"`.
  const h = helperHarness({ ...options, helpers, attach: helpers.length ? [{ protocol: "udp", port: 5060, helper: "sip" }] : [] });
  // Which packet each event came from (events are pushed while the packet is processed, before its record).
  const eventPacket: number[] = [];
  h.engine.on(() => eventPacket.push(h.records.length));
  const masterTimeouts: number[] = [];
  for (const p of TRACE.packets) {
    h.run(p);
    const master = [...h.engine.connections()].find((c) => c.original.dstPort === 5060);
    masterTimeouts.push(master ? master.timeout : -1);
  }
  return { h, eventPacket, masterTimeouts };
}

function disagreements(h: ReturnType<typeof replay>["h"]): string[] {
  const out: string[] = [];
  for (const l of TRACE.labels) {
    const r = h.records[l.index]!;
    const ours = { label: r.state, dir: r.direction, expected: r.expected, helper: r.helper ?? "none", verdict: r.verdict };
    const linux = { label: l.label, dir: l.ct_dir, expected: l.ct_expected, helper: l.ct_helper ?? "none", verdict: "accept" };
    if (JSON.stringify(ours) !== JSON.stringify(linux)) out.push(`#${l.index} (${l.step}): ours ${JSON.stringify(ours)}, Linux ${JSON.stringify(linux)}`);
  }
  return out;
}

describe("conformance: sip-udp-ipv4", () => {
  it("was recorded with the module parameters this helper defaults to", () => {
    expect(TRACE.params).toContain("nf_conntrack_sip/parameters/ports = 5060");
    expect(TRACE.params).toContain("sip_direct_media = 1");
    expect(TRACE.params).toContain("sip_direct_signalling = 1");
    expect(TRACE.params).toContain("sip_external_media = 0");
    expect(TRACE.params).toContain("sip_timeout = 3600");
    expect(TRACE.labels).toHaveLength(TRACE.packets.length);
  });

  for (const checksums of [false, true]) {
    describe(checksums ? "with checksum verification (nf_conntrack_checksum=1, as the router ran)" : "without checksum verification", () => {
      const { h, eventPacket, masterTimeouts } = replay({ checksums });

      it("agrees with Linux on every packet's state, direction, EXPECTED status and helper", () => {
        expect(disagreements(h)).toEqual([]);
      });

      it("creates and destroys the expectations Linux did, with the same tuple, mask, master, class, helper and timeout", () => {
        const ours: ExpectLogLine[] = [];
        for (const e of h.events) {
          if (e.type === "expect-new") ours.push(asLogLine(e.expectation, "NEW"));
          if (e.type === "expect-destroy") ours.push(asLogLine(e.expectation, "DESTROY"));
        }
        expect(ours).toEqual(TRACE.expectLog);
      });

      it("creates, consumes and removes each expectation on the same packet as Linux, for the same reason", () => {
        const linux: string[] = [];
        for (const l of TRACE.labels) for (const ev of l.expect_events ?? []) linux.push(`${ev.event} #${ev.expectation} @${l.index}`);
        const ours: string[] = [];
        const reasons: string[] = [];
        const ids = new Map<number, number>();
        h.events.forEach((e, i) => {
          if (e.type !== "expect-new" && e.type !== "expect-destroy") return;
          if (e.type === "expect-new") ids.set(e.expectation.id, ids.size);
          else reasons.push(e.reason);
          ours.push(`${e.type === "expect-new" ? "NEW" : "DESTROY"} #${ids.get(e.expectation.id)} @${eventPacket[i]}`);
        });
        // Linux lists a packet's events by expectation; the order within one packet is compared by expect.log above.
        expect([...ours].sort()).toEqual([...linux].sort());
        expect(reasons).toEqual(["matched", "matched", "matched", "matched", "removed", "removed", "removed", "removed"]);
      });

      it("keeps the SIP connection for sip_timeout (3600 s) after each message, as conntrack.log shows", () => {
        for (const l of TRACE.labels) {
          if (l.ct_helper !== "sip") continue;
          expect(masterTimeouts[l.index], `after #${l.index}`).toBeCloseTo(3600, 3);
        }
      });
    });
  }

  it("is sensitive: without the helper the media flows are NEW, not RELATED", () => {
    const { h } = replay({}, []);
    expect(h.created()).toEqual([]);
    expect(disagreements(h).length).toBeGreaterThan(0);
    expect(h.records[5]!.state).toBe("NEW");
  });
});
