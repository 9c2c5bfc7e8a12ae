import { FilterVerdict, PacketState, type PacketPolicy } from "@alg-sdk/core";
import { ToyType, toyMessage, toyTracker } from "@alg-sdk/example-tracker-toy";
import { ipv4 } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import type { GatewayOptions } from "@alg-sdk/vnet";
import { arpRequest, ethernet } from "./support/frames.js";
import { GW_LAN_MAC, GW_WAN_MAC, LAN_HOST_MAC, WAN_HOST_MAC, twoLinkGateway } from "./support/topology.js";

const IPV4 = 0x0800;
const TOY = 253;
const fromLan = (from: number, to: number, type: number) =>
  ethernet(GW_LAN_MAC, LAN_HOST_MAC, IPV4, ipv4({ src: "10.0.1.2", dst: "10.0.2.2", protocol: TOY, payload: toyMessage(from, to, type) }));
const fromWan = (from: number, to: number, type: number) =>
  ethernet(GW_WAN_MAC, WAN_HOST_MAC, IPV4, ipv4({ src: "10.0.2.2", dst: "10.0.1.2", protocol: TOY, payload: toyMessage(from, to, type) }));

/** `ct state invalid drop`, everything else accepted. */
const dropInvalid: PacketPolicy = { filter: (p) => (p.state === PacketState.INVALID ? FilterVerdict.DROP : FilterVerdict.ACCEPT) };

/** The gateway with both neighbours resolved; then a toy session (7 → 9) opened and accepted, and DATA on a session never opened (5 → 6). */
function run(engine: GatewayOptions["engine"]) {
  const t = twoLinkGateway({ policy: dropInvalid, ...(engine !== undefined ? { engine } : {}) });
  t.gw.receive("lan", arpRequest(LAN_HOST_MAC, "10.0.1.2", "10.0.1.1"), 0.1);
  t.gw.receive("wan", arpRequest(WAN_HOST_MAC, "10.0.2.2", "10.0.2.1"), 0.1);
  t.take("lan");
  t.take("wan");
  t.gw.receive("lan", fromLan(7, 9, ToyType.OPEN), 1);
  const opened = t.take("wan").length;
  t.gw.receive("wan", fromWan(9, 7, ToyType.ACCEPT), 1.1);
  const accepted = t.take("lan").length;
  t.gw.receive("lan", fromLan(5, 6, ToyType.DATA), 1.2);
  const stray = t.take("wan").length;
  const connections = [...t.gw.engine.connections()].map((c) => `${c.original.protocolName} ${c.protocolState}`.trim());
  return { opened, accepted, stray, connections, verdicts: t.gw.verdicts().map((v) => `${v.state} ${v.verdict}`) };
}

describe("gateway with a third-party protocol tracker (engine: { trackers })", () => {
  it("tracks the tracker's protocol with it: its sessions and states, and its INVALID verdicts, which the policy drops", () => {
    const r = run({ trackers: [toyTracker()] });
    expect([r.opened, r.accepted, r.stray]).toEqual([1, 1, 0]);
    expect(r.connections).toEqual(["toy OPEN"]);
    expect(r.verdicts).toEqual(["NEW accept", "INVALID drop"]);
  });

  it("without it, the same packets are the generic tracker's: one connection per address pair, nothing INVALID", () => {
    const r = run(undefined);
    expect([r.opened, r.accepted, r.stray]).toEqual([1, 1, 1]);
    expect(r.connections).toEqual(["unknown-253"]);
    expect(r.verdicts).toEqual(["NEW accept"]);
  });
});
