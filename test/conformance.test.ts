import { describe, expect, it } from "vitest";
import { createEngine, type EngineEvent, type EngineOptions } from "@alg-sdk/core";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import { ircHelper } from "@alg-sdk/helper-irc";
import { pptpHelper } from "@alg-sdk/helper-pptp";
import { sipHelper } from "@alg-sdk/helper-sip";
import { tftpHelper } from "@alg-sdk/helper-tftp";
import { expectLogOf, loadTrace, type LinuxLabel } from "./support/linux-trace.js";

interface Disagreement {
  index: number;
  linux: string;
  ours: string;
  step: string;
}

function replay(scenario: string, options: EngineOptions) {
  const engine = createEngine(options);
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  const { packets, labels, expectLog, conntrackLog } = loadTrace(scenario);
  const ours: { label: string; dir: string | null; expected: boolean | null }[] = [];
  for (const p of packets) {
    // Raw IP (the loader checks the link type): the datagram is the whole record.
    const r = engine.processRange(p.bytes, 0, p.bytes.length, p.ts);
    const tracked = r.state !== 3 && r.state !== 4;
    ours.push({ label: r.stateName, dir: r.directionName, expected: tracked ? r.expected : null });
  }
  return { labels, ours, events, engine, expectLog, conntrackLog };
}

function compare(labels: LinuxLabel[], ours: { label: string; dir: string | null; expected: boolean | null }[], only?: (l: LinuxLabel) => boolean) {
  const bad: Disagreement[] = [];
  let compared = 0;
  labels.forEach((l, i) => {
    if (only && !only(l)) return;
    compared++;
    const o = ours[i]!;
    const linux = `${l.label}/${l.ct_dir}/${l.ct_expected}`;
    const mine = `${o.label}/${o.dir}/${o.expected}`;
    if (linux !== mine) bad.push({ index: l.index, linux, ours: mine, step: l.step });
  });
  return { compared, bad };
}

const allHelpers = (): EngineOptions => ({ helpers: [ftpHelper(), ircHelper(), icmpHelper()] });

describe("conformance with the Linux kernel's labels (every packet)", () => {
  for (const scenario of ["tcp-states", "ftp-active-ipv4", "ftp-passive-ipv4", "irc-dcc", "icmp-errors"]) {
    it(`${scenario}: same state, direction and EXPECTED status as Linux`, () => {
      const { labels, ours } = replay(scenario, allHelpers());
      expect(ours.length).toBe(labels.length);
      expect(compare(labels, ours).bad).toEqual([]);
    });
  }

  it("with checksum verification on (nf_conntrack_checksum=1) every trace still agrees: the router's packets verify", () => {
    for (const scenario of ["tcp-states", "ftp-active-ipv4", "ftp-passive-ipv4", "irc-dcc", "icmp-errors"]) {
      const { labels, ours } = replay(scenario, { ...allHelpers(), checksums: true });
      expect(compare(labels, ours).bad, scenario).toEqual([]);
    }
  });

  it("tftp-ipv4: with the TFTP helper on udp/69 the server's transfer flows are RELATED", () => {
    for (const checksums of [false, true]) {
      const { labels, ours } = replay("tftp-ipv4", { helpers: [tftpHelper()], checksums });
      expect(ours.length).toBe(labels.length);
      expect(compare(labels, ours).bad).toEqual([]);
      expect(ours.filter((o) => o.label === "RELATED")).toHaveLength(2);
    }
  });

  it("sip-udp-ipv4: with the SIP helper on udp/5060 the call's RTP and RTCP flows are RELATED", () => {
    for (const checksums of [false, true]) {
      const { labels, ours } = replay("sip-udp-ipv4", { helpers: [sipHelper()], checksums });
      expect(ours.length).toBe(labels.length);
      expect(compare(labels, ours).bad).toEqual([]);
      expect(ours.filter((o) => o.label === "RELATED").length).toBeGreaterThan(0);
    }
    // Without it the media's first packets are NEW: the helper is what agrees.
    const without = replay("sip-udp-ipv4", {});
    expect(compare(without.labels, without.ours).bad.length).toBeGreaterThan(0);
  });

  it("sctp-ipv4: the SCTP tracker agrees packet by packet, and passes through Linux's states (conntrack.log)", () => {
    for (const checksums of [false, true]) {
      const { labels, ours, events, conntrackLog } = replay("sctp-ipv4", { checksums });
      expect(ours.length).toBe(labels.length);
      expect(compare(labels, ours).bad).toEqual([]);
      // Every state change Linux reported (NEW and UPDATE lines), in order, with its timeout and ASSURED.
      const linux = conntrackLog!
        .filter((l) => /\[(NEW|UPDATE)\] sctp/.test(l))
        .map((l) => {
          const m = /sctp\s+132 (\d+) (\w+) src=\S+ dst=\S+ sport=(\d+)/.exec(l)!;
          return `${m[3]} ${m[2]} ${m[1]}${l.includes("[ASSURED]") ? " assured" : ""}`;
        });
      const mine = events.flatMap((e) =>
        e.type === "conn-new" || e.type === "conn-update"
          ? [`${e.connection.original.srcPort} ${e.connection.protocolState} ${Math.round(e.connection.timeout)}${e.connection.assured ? " assured" : ""}`]
          : [],
      );
      expect(mine).toEqual(linux);
    }
  });

  it("gre-pptp-ipv4: with the PPTP helper on tcp/1723 the call's first GRE packet is RELATED, and both directions are one GRE connection until the call ends", () => {
    for (const checksums of [false, true]) {
      const { labels, ours } = replay("gre-pptp-ipv4", { helpers: [pptpHelper()], checksums });
      expect(ours.length).toBe(labels.length);
      expect(compare(labels, ours).bad).toEqual([]);
    }
    // Without it the GRE packets are NEW (no expectation) and the reply direction opens another entry (no keymap).
    const without = replay("gre-pptp-ipv4", {});
    expect(compare(without.labels, without.ours).bad.length).toBeGreaterThan(0);
  });

  it("tftp-nohelper-ipv4: without a helper the same transfers' first packets are NEW", () => {
    const { labels, ours } = replay("tftp-nohelper-ipv4", {});
    expect(ours.length).toBe(labels.length);
    expect(compare(labels, ours).bad).toEqual([]);
    expect(ours.filter((o) => o.label === "RELATED")).toHaveLength(0);
  });

  it("tcp-loose-off: with loose pickup off a stray ACK is INVALID", () => {
    const { labels, ours } = replay("tcp-loose-off", { ...allHelpers(), tcp: { loose: false } });
    expect(compare(labels, ours).bad).toEqual([]);
  });

  it("with loose pickup on, the same stray ACK would open a connection (the trace depends on the switch)", () => {
    const { ours } = replay("tcp-loose-off", allHelpers());
    expect(ours[0]!.label).toBe("NEW");
  });
});

describe("conformance of the core alone (no helpers)", () => {
  // Packets whose verdict needs no helper: not RELATED, not of an expected connection.
  const helperFree = (l: LinuxLabel) => l.label !== "RELATED" && l.ct_expected !== true && !(l.label === "INVALID" && l.proto.startsWith("icmp"));
  for (const scenario of ["tcp-states", "ftp-active-ipv4", "ftp-passive-ipv4", "irc-dcc", "icmp-errors"]) {
    it(`${scenario}: helper-free packets agree with Linux`, () => {
      const { labels, ours } = replay(scenario, {});
      const { compared, bad } = compare(labels, ours, helperFree);
      expect(compared).toBeGreaterThan(0);
      expect(bad).toEqual([]);
    });
  }

  it("without the ICMP helper an ICMP error is INVALID", () => {
    const { ours } = replay("icmp-errors", {});
    expect(ours[1]!.label).toBe("INVALID");
  });
});

describe("expectations match Linux's expect.log", () => {
  for (const scenario of ["ftp-active-ipv4", "ftp-passive-ipv4", "irc-dcc", "tftp-ipv4"]) {
    it(`${scenario}: same expectations (tuple, mask, master, timeout, class, helper)`, () => {
      const { events, expectLog } = replay(scenario, { helpers: [...allHelpers().helpers!, tftpHelper()] });
      const created = expectLogOf(events).filter((e) => e.event === "NEW");
      expect(created).toEqual(expectLog.filter((e) => e.event === "NEW"));
      const destroyed = events.filter((e) => e.type === "expect-destroy").map((e) => (e as { reason: string }).reason);
      expect(destroyed).toEqual(created.map(() => "matched"));
    });
  }
});
