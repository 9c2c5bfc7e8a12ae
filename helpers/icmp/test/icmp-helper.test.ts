import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { helperHarness, icmp, icmpv6, tcp, udp } from "@alg-sdk/testing";
import { icmpHelper } from "../src/index.js";

const CLIENT = "10.0.1.2";
const SERVER = "10.0.2.2";
const ROUTER = "10.0.1.1";
const C6 = "fd00:1::2";
const S6 = "fd00:2::2";

const request = udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 33434, payload: "probe" });
/** An ICMP error quoting the first `quote` bytes of `quoted`. */
const errorV4 = (type: number, code: number, quoted: Uint8Array, from = SERVER, to = CLIENT, quote = 28) =>
  icmp({ src: from, dst: to, type, code, payload: quoted.subarray(0, quote) });

function harness(options = {}) {
  return helperHarness({ helpers: [icmpHelper(options)] });
}

describe("ICMP errors are related to the connection they quote", () => {
  for (const [type, code] of [[3, 3], [4, 0], [5, 1], [11, 0], [12, 0]] as const) {
    it(`type ${type} quoting a tracked flow is RELATED in the reply direction`, () => {
      const h = harness();
      h.run(request);
      const [r] = h.run(errorV4(type, code, request));
      expect(r).toMatchObject({ state: "RELATED", direction: "reply", expected: false });
    });
  }

  it("an error travelling in the original direction is RELATED original", () => {
    const h = harness();
    h.run(request);
    const back = udp({ src: SERVER, dst: CLIENT, sport: 33434, dport: 40000, payload: "answer" });
    h.run(back);
    const [r] = h.run(errorV4(3, 3, back, CLIENT, SERVER));
    expect(r).toMatchObject({ state: "RELATED", direction: "original" });
  });

  it("a router's own error (another source address) is RELATED too", () => {
    const h = harness();
    h.run(request);
    expect(h.run(errorV4(11, 0, request, ROUTER))[0]).toMatchObject({ state: "RELATED", direction: "reply" });
  });

  it("TCP needs only the 4 bytes of ports from the quoted transport header", () => {
    const h = harness();
    const syn = tcp({ src: CLIENT, dst: SERVER, sport: 40001, dport: 80, flags: "S", seq: 1 });
    h.run(syn);
    expect(h.run(errorV4(3, 1, syn, SERVER, CLIENT, 24))[0]!.state).toBe("RELATED");
    expect(h.run(errorV4(3, 1, syn, SERVER, CLIENT, 23))[0]).toMatchObject({ state: "INVALID", reason: "icmp-error-too-short" });
  });

  it("an error quoting an ICMP echo request is related to the echo flow", () => {
    const h = harness();
    const ping = icmp({ src: CLIENT, dst: SERVER, type: 8, id: 9, seq: 1 });
    h.run(ping);
    expect(h.run(errorV4(11, 0, ping, ROUTER))[0]).toMatchObject({ state: "RELATED", direction: "reply" });
  });

  it("the error does not refresh the connection's timer", () => {
    const h = harness();
    h.run({ bytes: request, ts: 0 });
    h.run({ bytes: errorV4(3, 3, request), ts: 29 });
    const c = [...h.engine.connections()][0]!;
    expect(c.created).toBe(0);
    expect(c.timeout).toBeCloseTo(1, 5); // 30 s unreplied, counted from t = 0
  });
});

describe("ICMP errors that are INVALID and create nothing", () => {
  it("quoting no known connection", () => {
    const h = harness();
    expect(h.run(errorV4(3, 3, request))[0]).toMatchObject({ state: "INVALID", direction: null, reason: "icmp-error-unrelated" });
    expect(h.engine.connectionCount).toBe(0);
  });

  it("too short to hold the quoted IP header", () => {
    const h = harness();
    h.run(request);
    expect(h.run(errorV4(3, 3, request, SERVER, CLIENT, 12))[0]).toMatchObject({ state: "INVALID", reason: "icmp-error-too-short" });
  });

  it("quoting another ICMP error", () => {
    const h = harness();
    h.run(request);
    const inner = errorV4(3, 3, request, CLIENT, SERVER);
    expect(h.run(errorV4(3, 3, inner, SERVER, CLIENT, 56))[0]).toMatchObject({ state: "INVALID", reason: "icmp-error-nested" });
  });

  it("addressed to someone other than the quoted connection's endpoint (spoofed)", () => {
    const h = harness();
    h.run(request);
    expect(h.run(errorV4(3, 3, request, SERVER, "10.0.9.9"))[0]).toMatchObject({ state: "INVALID", reason: "icmp-error-spoofed" });
    const lax = harness({ antiSpoofing: false });
    lax.run(request);
    expect(lax.run(errorV4(3, 3, request, SERVER, "10.0.9.9"))[0]!.state).toBe("RELATED");
  });

  it("an unsolicited echo reply is INVALID (not an error, not a reply to anything)", () => {
    const h = harness();
    expect(h.run(icmp({ src: SERVER, dst: CLIENT, type: 0, id: 3 }))[0]!.state).toBe("INVALID");
  });
});

describe("ICMPv6", () => {
  const request6 = udp({ src: C6, dst: S6, sport: 40010, dport: 33434, payload: "probe" });
  const error6 = (type: number, code: number, quoted: Uint8Array, from = S6, to = C6, quote = 48) =>
    icmpv6({ src: from, dst: to, type, code, payload: quoted.subarray(0, quote) });

  for (const [type, code] of [[1, 4], [2, 0], [3, 0], [4, 1]] as const) {
    it(`type ${type} quoting a tracked flow is RELATED`, () => {
      const h = harness();
      h.run(request6);
      expect(h.run(error6(type, code, request6))[0]).toMatchObject({ state: "RELATED", direction: "reply" });
    });
  }

  it("an error quoting an unknown flow is INVALID", () => {
    const h = harness();
    expect(h.run(error6(1, 4, request6))[0]!.state).toBe("INVALID");
  });

  it("neighbour discovery and MLD are UNTRACKED", () => {
    const h = harness();
    for (const type of [130, 131, 132, 133, 134, 135, 136, 143]) {
      expect(h.run(icmpv6({ src: C6, dst: "ff02::1", type, code: 0 }))[0]).toMatchObject({ state: "UNTRACKED", direction: null });
    }
    // Redirect (137) is tracked as Linux does it, and INVALID: no ICMPv6 type-137 connection can start.
    expect(h.run(icmpv6({ src: C6, dst: "ff02::1", type: 137, code: 0 }))[0]).toMatchObject({ state: "INVALID", direction: null });
    expect(h.engine.connectionCount).toBe(0);
  });
});

describe("properties", () => {
  it("random error bodies never throw and never create a connection", () => {
    const h = harness();
    h.run(request);
    fc.assert(
      fc.property(fc.constantFrom(3, 4, 5, 11, 12), fc.nat(255), fc.uint8Array({ maxLength: 80 }), (type, code, body) => {
        const before = h.engine.connectionCount;
        const [r] = h.run(icmp({ src: SERVER, dst: CLIENT, type, code, payload: body }));
        expect(["RELATED", "INVALID"]).toContain(r!.state);
        expect(h.engine.connectionCount).toBe(before);
      }),
      { numRuns: 1000 },
    );
  });

  it("mutated quotes are RELATED only when they still name the tracked flow", () => {
    const h = harness();
    h.run(request);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(27), fc.nat(255)), { maxLength: 4 }), (edits) => {
        const quoted = request.slice(0, 28);
        for (const [at, v] of edits) quoted[at] = v;
        const [r] = h.run(icmp({ src: SERVER, dst: CLIENT, type: 3, code: 3, payload: quoted }));
        const namesFlow = quoted[0] === 0x45 && [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23].every((i) => quoted[i] === request[i]) && quoted[9] === 17 && (((quoted[6]! << 8) | quoted[7]!) & 0x1fff) === 0;
        if (r!.state === "RELATED") expect(namesFlow).toBe(true);
        if (namesFlow) expect(r!.state).toBe("RELATED");
      }),
      { numRuns: 1000 },
    );
  });
});
