import { ExpectFlag } from "@alg-sdk/core";
import { describe, expect, it } from "vitest";
import { CLIENT, SERVER, UdpSip } from "./support/sip-session.js";
import { request, response, sdp } from "./support/sip-text.js";

const CONTACT = "Contact: <sip:alice@10.0.1.2:5070>";
const register = (cseq: number, headers: string[]) => request("REGISTER", { cseq, uri: "sip:10.0.2.2", headers });
const ok = (cseq: number, headers: string[]) => response(200, "OK", { cseq, cseqMethod: "REGISTER", headers });

/** The registrar (10.0.2.2) calls the registered phone at 10.0.1.2:5070. */
function incomingCall(s: UdpSip, sport = 5060) {
  return s.send(SERVER, sport, CLIENT, 5070, request("INVITE", { uri: "sip:alice@10.0.1.2:5070", via: "10.0.2.2:5060", body: sdp({ address: SERVER }) }));
}

describe("REGISTER: the signalling expectation (process_register_request)", () => {
  it("expects the registrar to connect to the Contact: class signalling, PERMANENT and INACTIVE, 180 s, with this helper", () => {
    const s = new UdpSip();
    expect(s.fromClient(register(1, [CONTACT, "Expires: 600"])).verdict).toBe("accept");
    const [e] = s.h.expectations();
    expect(s.h.expectations()).toHaveLength(1);
    expect(e).toMatchObject({
      class: 0,
      className: "signalling",
      helper: "sip",
      flags: ExpectFlag.PERMANENT | ExpectFlag.INACTIVE,
      tuple: { protocol: 17, src: SERVER, dst: CLIENT, srcPort: 0, dstPort: 5070 },
      mask: { src: "255.255.255.255", srcPort: 0 },
    });
    // Linux assigns sip_timeout, but its expectation core applies the class policy's 180 s.
    expect(e!.timeout).toBeCloseTo(180, 6);
  });

  it("while INACTIVE nothing matches it; it expires after 180 s unconfirmed", () => {
    const s = new UdpSip();
    s.fromClient(register(1, [CONTACT, "Expires: 600"]));
    expect(incomingCall(s).state).toBe("NEW");
    s.wait(181);
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["timeout"]);
  });

  it("the registrar's 2xx activates it for the granted time; every registrar connection then matches (PERMANENT) and gets the SIP helper", () => {
    const s = new UdpSip();
    s.fromClient(register(1, [CONTACT, "Expires: 600"]));
    s.fromServer(ok(1, [CONTACT, "Expires: 600"]));
    const [e] = s.h.expectations();
    expect(e!.flags).toBe(ExpectFlag.PERMANENT);
    expect(e!.timeout).toBeCloseTo(600, 6);

    const call = incomingCall(s);
    expect(call).toMatchObject({ state: "RELATED", expected: true, helper: "sip", verdict: "accept" });
    // The incoming call's own SDP is handled by the helper on that new connection.
    expect(s.pending()).toEqual(["10.0.1.2->10.0.2.2:20000/audio", "10.0.1.2->10.0.2.2:20001/audio", "10.0.2.2->10.0.1.2:5070/signalling"]);
    expect(incomingCall(s, 5061)).toMatchObject({ state: "RELATED", helper: "sip" });
    expect(s.h.destroyed()).toEqual([]);
    s.wait(601);
    expect(s.pending().filter((p) => p.endsWith("signalling"))).toEqual([]);
  });

  it("an expected connection cannot register again", () => {
    const s = new UdpSip();
    s.fromClient(register(1, [CONTACT, "Expires: 600"]));
    s.fromServer(ok(1, [CONTACT, "Expires: 600"]));
    incomingCall(s);
    const before = s.h.created().length;
    s.send(CLIENT, 5070, SERVER, 5060, register(9, ["Contact: <sip:alice@10.0.1.2:5090>", "Expires: 600"]));
    expect(s.h.created().length).toBe(before);
  });

  it("the Contact's expires= parameter overrides the Expires header, in the REGISTER and in the 2xx", () => {
    const s = new UdpSip();
    s.fromClient(register(1, [`${CONTACT};expires=0`, "Expires: 600"]));
    expect(s.pending()).toEqual([]);
    s.fromClient(register(2, [`${CONTACT};expires=300`]));
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:5070/signalling"]);
    s.fromServer(ok(2, [`${CONTACT};expires=120`, "Expires: 600"]));
    expect(s.h.expectations()[0]!.timeout).toBeCloseTo(120, 6);
  });

  it("expires= is read with the base its text says (0x hexadecimal, leading 0 octal), as simple_strtoul(…, 0)", () => {
    for (const [text, seconds] of [["0x3c", 60], ["010", 8], ["0", 0], ["0xg", 0], ["90", 90]] as const) {
      const s = new UdpSip();
      s.fromClient(register(1, [CONTACT, "Expires: 600"]));
      s.fromServer(ok(1, [`${CONTACT};expires=${text}`]));
      const pending = s.h.expectations();
      if (seconds === 0) expect(pending, text).toEqual([]);
      else expect(pending[0]!.timeout, text).toBeCloseTo(seconds, 6);
    }
  });

  it("no expiry at all (no Expires header, no expires=) or expiry 0 registers nothing", () => {
    const s = new UdpSip();
    s.fromClient(register(1, [CONTACT]));
    s.fromClient(register(2, [CONTACT, "Expires: 0"]));
    expect(s.pending()).toEqual([]);
    expect(s.h.records.every((r) => r.verdict === "accept")).toBe(true);
  });

  it("third-party registrations, other transports and 'Contact: *' register nothing", () => {
    for (const contact of [
      "Contact: <sip:alice@10.0.1.99:5070>",
      "Contact: <sip:alice@10.0.1.2:5070;transport=tcp>",
      "Contact: <sip:alice@10.0.1.2:5070;transport=sctp>",
      "Contact: *",
    ]) {
      const s = new UdpSip();
      expect(s.fromClient(register(1, [contact, "Expires: 600"])).verdict, contact).toBe("accept");
      expect(s.pending(), contact).toEqual([]);
    }
    const s = new UdpSip();
    s.fromClient(register(1, ["Contact: <sip:alice@10.0.1.2:5070;TRANSPORT=UDP>", "Expires: 600"]));
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:5070/signalling"]);
  });

  it("a Contact without a port means 5060; the compact form 'm:' and a user-less URI work", () => {
    const s = new UdpSip();
    s.fromClient(register(1, ["m: <sip:10.0.1.2>", "Expires: 600"]));
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:5060/signalling"]);
  });

  it("an unparsable Contact port or expires= drops the REGISTER", () => {
    for (const contact of ["Contact: <sip:alice@10.0.1.2:80>", "Contact: <sip:alice@10.0.1.2:65536>", `${CONTACT};expires=soon`]) {
      const s = new UdpSip();
      expect(s.fromClient(register(1, [contact, "Expires: 600"])).verdict, contact).toBe("drop");
      expect(s.pending()).toEqual([]);
    }
  });

  it("a Contact whose address does not parse is skipped for the next Contact header", () => {
    const s = new UdpSip();
    s.fromClient(register(1, ["Contact: <sip:alice@host.example>", CONTACT, "Expires: 600"]));
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:5070/signalling"]);
  });

  it("sip_direct_signalling off: the incoming call may come from anyone", () => {
    const s = new UdpSip({ sip: { directSignalling: false } });
    s.fromClient(register(1, [CONTACT, "Expires: 600"]));
    expect(s.pending()).toEqual(["*->10.0.1.2:5070/signalling"]);
    s.fromServer(ok(1, [CONTACT, "Expires: 600"]));
    expect(s.send("192.0.2.7", 5060, CLIENT, 5070, request("OPTIONS", { uri: "sip:alice@10.0.1.2:5070" })).state).toBe("RELATED");
  });

  it("a new REGISTER replaces the pending signalling expectation (one per connection)", () => {
    const s = new UdpSip();
    s.fromClient(register(1, [CONTACT, "Expires: 600"]));
    s.fromClient(register(2, ["Contact: <sip:alice@10.0.1.2:5080>", "Expires: 600"]));
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:5080/signalling"]);
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["evicted"]);
  });
});

describe("the registrar's response (process_register_response)", () => {
  it("1xx changes nothing; an error response removes the expectation", () => {
    const s = new UdpSip();
    s.fromClient(register(1, [CONTACT, "Expires: 600"]));
    s.fromServer(response(100, "Trying", { cseq: 1, cseqMethod: "REGISTER" }));
    expect(s.h.expectations()[0]!.flags).toBe(ExpectFlag.PERMANENT | ExpectFlag.INACTIVE);
    s.fromServer(response(401, "Unauthorized", { cseq: 1, cseqMethod: "REGISTER" }));
    expect(s.pending()).toEqual([]);
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["removed"]);
  });

  it("responses to another CSeq than the last accepted REGISTER are ignored (late answers to retransmissions)", () => {
    const s = new UdpSip();
    s.fromClient(register(2, [CONTACT, "Expires: 600"]));
    s.fromServer(response(403, "Forbidden", { cseq: 1, cseqMethod: "REGISTER" }));
    s.fromServer(ok(3, [CONTACT, "Expires: 600"]));
    expect(s.h.expectations()[0]!.flags).toBe(ExpectFlag.PERMANENT | ExpectFlag.INACTIVE);
  });

  it("a 2xx whose bindings do not include the phone's Contact removes it; one with expiry 0 ends the registration", () => {
    const s = new UdpSip();
    s.fromClient(register(1, [CONTACT, "Expires: 600"]));
    s.fromServer(ok(1, ["Contact: <sip:alice@10.0.1.2:5099>", "Expires: 600"]));
    expect(s.pending()).toEqual([]);

    const t = new UdpSip();
    t.fromClient(register(1, [CONTACT, "Expires: 600"]));
    t.fromServer(ok(1, [CONTACT, "Expires: 600"]));
    t.fromClient(register(2, [CONTACT, "Expires: 0"]));
    expect(t.pending()).toEqual(["10.0.2.2->10.0.1.2:5070/signalling"]);
    t.fromServer(ok(2, [CONTACT, "Expires: 0"]));
    expect(t.pending()).toEqual([]);
  });

  it("the phone's binding may be any entry of a Contact list, or a later Contact header", () => {
    for (const headers of [
      ["Contact: <sip:alice@10.0.1.99:5070>;expires=50, <sip:bob@10.0.1.2:5070>;expires=300"],
      ["Contact: <sip:alice@10.0.1.99:5070>;expires=50", "Contact: <sip:alice@10.0.1.2:5070>;expires=300"],
      ["Contact: <sip:alice@10.0.1.2:5070;transport=tcp>;expires=50", `${CONTACT};expires=300`],
    ]) {
      const s = new UdpSip();
      s.fromClient(register(1, [CONTACT, "Expires: 600"]));
      s.fromServer(ok(1, headers));
      expect(s.h.expectations()[0]?.timeout, headers.join(" | ")).toBeCloseTo(300, 6);
    }
  });

  it("an unparsable Contact or expires= in the 2xx drops it", () => {
    for (const contact of ["Contact: <sip:alice@10.0.1.2:1>", `${CONTACT};expires=x`]) {
      const s = new UdpSip();
      s.fromClient(register(1, [CONTACT, "Expires: 600"]));
      expect(s.fromServer(ok(1, [contact, "Expires: 600"])).verdict, contact).toBe("drop");
      expect(s.pending()).toHaveLength(1);
    }
  });
});
