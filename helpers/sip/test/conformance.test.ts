import type { EngineOptions } from "@alg-sdk/core";
import { helperHarness } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { sipHelper } from "../src/index.js";
import { expectLogOf, linuxExpectEvents, loadTrace, ourExpectEvents } from "../../../test/support/linux-trace.js";

/**
 * Replays the SIP trace a Linux 6.18 router labelled (nf_conntrack_sip
 * attached to udp/5060 by an nftables `ct helper` rule, default module
 * parameters): an INVITE with an audio and a video offer, its answer, RTP
 * and RTCP both ways, a BYE, and media after the BYE.
 */

const TRACE = loadTrace("sip-udp-ipv4");

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
    const params = TRACE.helperParams;
    expect(params).toContain("nf_conntrack_sip/parameters/ports = 5060");
    expect(params).toContain("sip_direct_media = 1");
    expect(params).toContain("sip_direct_signalling = 1");
    expect(params).toContain("sip_external_media = 0");
    expect(params).toContain("sip_timeout = 3600");
    expect(TRACE.labels).toHaveLength(TRACE.packets.length);
  });

  for (const checksums of [false, true]) {
    describe(checksums ? "with checksum verification (nf_conntrack_checksum=1, as the router ran)" : "without checksum verification", () => {
      const { h, eventPacket, masterTimeouts } = replay({ checksums });

      it("agrees with Linux on every packet's state, direction, EXPECTED status and helper", () => {
        expect(disagreements(h)).toEqual([]);
      });

      it("creates and destroys the expectations Linux did, with the same tuple, mask, master, class, helper and timeout", () => {
        // Linux prints the policy timeout on NEW, the whole seconds left on DESTROY (expectLogOf's default).
        expect(expectLogOf(h.events)).toEqual(TRACE.expectLog);
      });

      it("creates, consumes and removes each expectation on the same packet as Linux, for the same reason", () => {
        const reasons = h.events.flatMap((e) => (e.type === "expect-destroy" ? [e.reason] : []));
        // Linux lists a packet's events by expectation; the order within one packet is compared by expect.log above.
        expect(ourExpectEvents(h.events, eventPacket).sort()).toEqual(linuxExpectEvents(TRACE.labels).sort());
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
