import { describe, expect, it } from "vitest";
import { checksumProblems, fragments, icmp, icmpv6, ipv4, tcp, udp, udplite } from "@alg-sdk/testing";

const A = "10.0.1.2";
const B = "10.0.2.2";
const A6 = "fd00:1::2";
const B6 = "fd00:2::2";

describe("checksumProblems", () => {
  it("finds nothing wrong in what the builders make", () => {
    const built = [
      tcp({ src: A, dst: B, sport: 1, dport: 2, payload: "x", ipOptions: [0x94, 4, 0, 0] }),
      udp({ src: A6, dst: B6, sport: 1, dport: 2, payload: "x", extensionHeaders: [{ type: "hopopts" }, { type: "routing" }, { type: "ah" }, { type: "dstopts" }] }),
      udplite({ src: A, dst: B, sport: 1, dport: 2, payload: "abcdefgh", coverage: 10 }),
      udplite({ src: A6, dst: B6, sport: 1, dport: 2, payload: "abc" }),
      icmp({ src: B, dst: A, type: 3, code: 3, payload: udp({ src: A, dst: B, sport: 1, dport: 2 }) }),
      icmpv6({ src: B6, dst: A6, type: 1, code: 4, payload: udp({ src: A6, dst: B6, sport: 1, dport: 2 }) }),
      udp({ src: A, dst: B, sport: 1, dport: 2, checksum: 0 }),
    ];
    for (const b of built) expect(checksumProblems(b)).toEqual([]);
  });

  it("names every checksum that does not verify, quoted ones included", () => {
    expect(checksumProblems(ipv4({ src: A, dst: B, protocol: 253, checksum: 1 }))).toEqual(["ip"]);
    expect(checksumProblems(tcp({ src: A6, dst: B6, sport: 1, dport: 2, checksum: 1, extensionHeaders: [{ type: "dstopts" }] }))).toEqual(["tcp"]);
    expect(checksumProblems(udplite({ src: A, dst: B, sport: 1, dport: 2, checksum: 1 }))).toEqual(["udplite"]);
    expect(checksumProblems(udplite({ src: A, dst: B, sport: 1, dport: 2, payload: "ab", coverage: 11 }))).toEqual(["udplite"]);
    const quoted = udp({ src: A, dst: B, sport: 1, dport: 2, checksum: 7 });
    expect(checksumProblems(icmp({ src: B, dst: A, type: 11, payload: quoted, checksum: 1 }))).toEqual(["icmp", "quoted udp"]);
    expect(checksumProblems(new Uint8Array([0x50, 0, 0, 20]))).toEqual(["not ip"]);
  });

  it("does not check the transport of a fragment", () => {
    const bad = udp({ src: A, dst: B, sport: 1, dport: 2, payload: new Uint8Array(64), checksum: 1 });
    expect(checksumProblems(bad)).toEqual(["udp"]);
    for (const f of fragments(bad, { sizes: [32] })) expect(checksumProblems(f)).toEqual([]);
    const bad6 = udp({ src: A6, dst: B6, sport: 1, dport: 2, payload: new Uint8Array(64), checksum: 1 });
    for (const f of fragments(bad6, { sizes: [32] })) expect(checksumProblems(f)).toEqual([]);
    // An atomic fragment is a whole datagram: its checksum counts.
    expect(checksumProblems(udp({ src: A6, dst: B6, sport: 1, dport: 2, checksum: 1, extensionHeaders: [{ type: "fragment" }] }))).toEqual(["udp"]);
  });
});
