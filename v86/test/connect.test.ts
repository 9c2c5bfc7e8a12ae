// The adapter against a stand-in emulator with the same bus surface as v86
// (the two-guest test covers the real one; this pins the adapter's own rules).
import { describe, expect, it } from "vitest";
import { icmpv6 } from "@alg-sdk/testing";
import { createGateway } from "@alg-sdk/vnet";
import { connectV86 } from "@alg-sdk/v86";
import { arpRequest as arpRequestFrame, ethernet, ETHERTYPE_IPV6 } from "../../vnet/test/support/frames.js";

class Bus {
  listeners = new Map<string, Set<(v: any) => void>>();
  delivered: Uint8Array[] = [];
  add_listener(e: string, fn: (v: any) => void) {
    if (!this.listeners.has(e)) this.listeners.set(e, new Set());
    this.listeners.get(e)!.add(fn);
  }
  remove_listener(e: string, fn: (v: any) => void) {
    this.listeners.get(e)?.delete(fn);
  }
  bus = { send: (e: string, v: Uint8Array) => (e === "net0-receive" ? this.delivered.push(v) : undefined) };
  guestSends(frame: Uint8Array) {
    for (const fn of this.listeners.get("net0-send") ?? []) fn(frame);
  }
}

/** A LAN host asks for the gateway's MAC. */
const arpRequest = arpRequestFrame("02:00:00:00:01:02", "10.0.1.2", "10.0.1.1");

describe("connectV86", () => {
  const gateway = () => createGateway({ interfaces: [{ name: "lan", mac: "02:00:00:00:01:01", ipv4: "10.0.1.1/24", ipv6: "fd00:1::1/64" }] });

  it("delivers the gateway's answer after the guest's transmit returns, never inside it", async () => {
    const emu = new Bus();
    const link = connectV86(emu, gateway(), "lan");
    emu.guestSends(arpRequest);
    expect(emu.delivered).toHaveLength(0);
    await Promise.resolve();
    expect(emu.delivered).toHaveLength(1);
    expect(link.counters).toEqual({ fromGuest: 1, toGuest: 1, queueDrops: 0 });
  });

  it("leaves the guest's frame untouched and stops both ways on disconnect", async () => {
    const emu = new Bus();
    const link = connectV86(emu, gateway(), "lan");
    const sent = arpRequest.slice();
    emu.guestSends(sent);
    expect(sent).toEqual(arpRequest);
    link.disconnect();
    emu.guestSends(arpRequest);
    await Promise.resolve();
    expect(link.counters.fromGuest).toBe(1);
    expect(emu.delivered).toHaveLength(0);
  });

  it("sends multicast frames to the broadcast address, which v86's ne2k accepts", async () => {
    const emu = new Bus();
    const gw = gateway();
    connectV86(emu, gw, "lan");
    // A ping6 to an unresolved LAN host makes the gateway solicit it by multicast.
    const ping = ethernet("02:00:00:00:01:01", "02:00:00:00:01:09", ETHERTYPE_IPV6, icmpv6({ src: "fd00:1::9", dst: "fd00:1::1", type: 128 }));
    gw.receive("lan", ping); // to the gateway itself: answered, so it resolves fd00:1::9
    await Promise.resolve();
    const [ns] = emu.delivered;
    expect(ns).toBeDefined();
    expect(Array.from(ns!.subarray(0, 6))).toEqual([255, 255, 255, 255, 255, 255]);
    expect(ns![54]).toBe(135);
  });

  it("refuses something that is not a v86 emulator", () => {
    expect(() => connectV86({}, gateway(), "lan")).toThrow(TypeError);
  });
});
