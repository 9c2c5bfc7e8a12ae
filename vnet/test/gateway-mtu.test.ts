import { describe, expect, it } from "vitest";
import { createGateway } from "@alg-sdk/vnet";
import { ipv4, udp } from "@alg-sdk/testing";
import { arpReply, arpRequest, ethernet, frameChecksumProblems, ipv4At, u16 } from "./support/frames.js";
import { GW_LAN_MAC, GW_WAN_MAC, LAN_HOST_MAC, WAN_HOST_MAC, twoLinkGateway } from "./support/topology.js";

const UDP = 17;
const SRC = "10.0.1.2";
const DST = "10.0.2.2";

/** Splits a UDP datagram's segment into two IPv4 fragments (the same id), as a host with a small MTU would. */
function twoFragments(segment: Uint8Array, firstPayload: number, id: number): Uint8Array[] {
  return [
    ipv4({ src: SRC, dst: DST, protocol: UDP, id, mf: true, payload: segment.subarray(0, firstPayload) }),
    ipv4({ src: SRC, dst: DST, protocol: UDP, id, fragOffset: firstPayload, payload: segment.subarray(firstPayload) }),
  ];
}

describe("gateway: datagrams larger than the outgoing link", () => {
  it("sends a datagram the engine reassembled out again in fragments that rebuild it exactly", () => {
    const t = twoLinkGateway();
    t.gw.receive("wan", arpReply(WAN_HOST_MAC, "10.0.2.2", GW_WAN_MAC, "10.0.2.1"), 0.5);
    t.gw.receive("wan", arpRequest(WAN_HOST_MAC, "10.0.2.2", "10.0.2.1"), 0.5);
    t.take("wan");
    const data = Uint8Array.from({ length: 2992 }, (_, i) => i & 255);
    const whole = udp({ src: SRC, dst: DST, sport: 5000, dport: 6000, id: 0x1234, payload: data });
    for (const frag of twoFragments(whole.subarray(20), 1480, 0x1234)) t.gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x0800, frag), 1);
    const out = t.take("wan");
    expect(out.length).toBe(3); // 3020 bytes through a 1500-byte link: 1480 + 1480 + 40
    const rebuilt = new Uint8Array(whole.length - 20);
    for (const f of out) {
      const len = u16(f, 16);
      expect(len).toBeLessThanOrEqual(1500);
      expect(frameChecksumProblems(f)).toEqual([]);
      expect(f[22]).toBe(63);
      rebuilt.set(f.subarray(34, 14 + len), (u16(f, 20) & 0x1fff) * 8);
    }
    expect(u16(out.at(-1)!, 20) & 0x2000).toBe(0);
    expect(rebuilt).toEqual(whole.subarray(20));
    expect(t.gw.stats.fragmentsSent).toBe(3);
    expect(t.gw.stats.fragmentsHeld).toBe(1);
  });

  it("answers a too-big datagram with DF by ICMP fragmentation needed carrying the link's MTU", () => {
    const sent: Uint8Array[] = [];
    const gw = createGateway({
      interfaces: [
        { name: "lan", mac: GW_LAN_MAC, ipv4: "10.0.1.1/24", mtu: 9000 },
        { name: "wan", mac: GW_WAN_MAC, ipv4: "10.0.2.1/24" },
      ],
    });
    gw.connect("lan", (f) => sent.push(f));
    gw.receive("lan", arpRequest(LAN_HOST_MAC, "10.0.1.2", "10.0.1.1"), 0.5);
    sent.length = 0;
    const segment = udp({ src: SRC, dst: DST, sport: 5000, dport: 6000, payload: new Uint8Array(3000) }).subarray(20);
    const big = ipv4({ src: SRC, dst: DST, protocol: UDP, df: true, payload: segment });
    gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x0800, big), 1);
    const [icmp] = sent;
    expect(icmp).toBeDefined();
    expect(ipv4At(icmp!, 30)).toBe("10.0.1.2");
    expect([icmp![34], icmp![35], u16(icmp!, 40)]).toEqual([3, 4, 1500]);
    expect(frameChecksumProblems(icmp!)).toEqual([]);
    expect(gw.stats.tooBig).toBe(1);
  });

  it("answers a too-big IPv6 packet with packet too big", () => {
    const sent: Uint8Array[] = [];
    const gw = createGateway({
      interfaces: [
        { name: "lan", mac: GW_LAN_MAC, ipv6: "fd00:1::1/64", mtu: 9000 },
        { name: "wan", mac: GW_WAN_MAC, ipv6: "fd00:2::1/64" },
      ],
    });
    gw.connect("lan", (f) => sent.push(f));
    const big = udp({ src: "fd00:1::2", dst: "fd00:2::2", sport: 5000, dport: 6000, payload: new Uint8Array(3000) });
    gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x86dd, big), 1);
    // The LAN host is not resolved yet: the error waits behind a neighbour solicitation.
    const ns = sent.shift()!;
    expect(ns[54]).toBe(135);
    expect(gw.stats.tooBig).toBe(1);
    expect(gw.neighbours()[0]).toMatchObject({ address: "fd00:1::2", pending: 1 });
  });
});
