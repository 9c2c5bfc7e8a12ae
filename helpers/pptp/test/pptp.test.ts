import { describe, expect, it } from "vitest";
import { GRE_KEYMAPS, Reason, TRACK_OK, createEngine, defineTracker, parseAddress, type EngineOptions } from "@alg-sdk/core";
import { gre, helperHarness, tcpConversation, type HelperHarness } from "@alg-sdk/testing";
import { CallState, PptpMessage as M, SessionState, emptyMessage, pptpHelper, readControlMessage } from "../src/index.js";
import { pptpMessage } from "./support/pptp-message.js";

// nf_conntrack_pptp, message by message. The client (PNS) 10.0.1.2 opens the
// control connection to the PAC 10.0.2.2:1723.

const PNS = "10.0.1.2";
const PAC = "10.0.2.2";
const PNS_ID = 0x4001;
const PAC_ID = 0x8001;

class Session {
  readonly h: HelperHarness;
  readonly c = tcpConversation({ serverPort: 1723, clientPort: 41723 });
  constructor(options: EngineOptions = {}) {
    this.h = helperHarness({ helpers: [pptpHelper()], ...options });
    this.h.run(this.c.handshake());
  }
  client(type: number, fields: Parameters<typeof pptpMessage>[1] = {}) {
    return this.h.run(this.c.client(pptpMessage(type, fields)));
  }
  server(type: number, fields: Parameters<typeof pptpMessage>[1] = {}) {
    return this.h.run(this.c.server(pptpMessage(type, fields)));
  }
  /** Start-Control-Connection-Request / Reply (result 1). */
  start(): this {
    this.client(M.START_SESSION_REQUEST);
    this.server(M.START_SESSION_REPLY, { result: 1 });
    return this;
  }
  /** Outgoing-Call-Request / Reply (connected). */
  call(pns = PNS_ID, pac = PAC_ID): this {
    this.client(M.OUT_CALL_REQUEST, { callId: pns });
    this.server(M.OUT_CALL_REPLY, { callId: pac, peerCallId: pns, result: 1 });
    return this;
  }
  grePns(callId = PAC_ID) {
    return this.h.run(gre({ src: PNS, dst: PAC, callId, seq: 1, payload: "ppp" }))[0]!;
  }
  grePac(callId = PNS_ID) {
    return this.h.run(gre({ src: PAC, dst: PNS, callId, seq: 1, payload: "ppp" }))[0]!;
  }
  get expectations() {
    return this.h.expectations().map((e) => `${e.tuple.src}>${e.tuple.dst} ${e.tuple.srcPort.toString(16)}/${e.tuple.dstPort.toString(16)}`);
  }
  get keymaps() {
    return this.h.engine.service(GRE_KEYMAPS)!;
  }
}

describe("PPTP: the outgoing call (Outgoing-Call-Request / Reply)", () => {
  it("a connected Outgoing-Call-Reply expects GRE both ways with the two call ids (class 0, 300 s) and registers both keymaps", () => {
    const s = new Session().start().call();
    expect(s.expectations).toEqual([`${PNS}>${PAC} 4001/8001`, `${PAC}>${PNS} 8001/4001`]);
    expect(s.h.expectations().map((e) => [e.class, Math.round(e.timeout), e.mask.srcPort])).toEqual([
      [0, 300, 0xffff],
      [0, 300, 0xffff],
    ]);
    expect(s.keymaps.size).toBe(2);
    expect(s.keymaps.sourceKey(4, parseAddress(PNS)!.words, parseAddress(PAC)!.words, PAC_ID)).toBe(PNS_ID);
    expect(s.keymaps.sourceKey(4, parseAddress(PAC)!.words, parseAddress(PNS)!.words, PNS_ID)).toBe(PAC_ID);
  });

  it("the first GRE packet is RELATED and withdraws the other direction's expectation (pptp_expectfn); the PAC's answer is the same entry's reply", () => {
    const s = new Session().start().call();
    expect(s.grePns()).toMatchObject({ state: "RELATED", direction: "original", expected: true });
    expect(s.expectations).toEqual([]);
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["matched", "removed"]);
    expect(s.grePac()).toMatchObject({ state: "ESTABLISHED", direction: "reply", expected: true });
    const g = [...s.h.engine.connections()].find((c) => c.original.protocolName === "gre")!;
    expect(g.original.keyText).toBe("srckey=0x4001 dstkey=0x8001");
  });

  it("the PAC may send first: its packet matches the reply expectation", () => {
    const s = new Session().start().call();
    expect(s.grePac()).toMatchObject({ state: "RELATED", direction: "original" });
    expect(s.grePns()).toMatchObject({ state: "ESTABLISHED", direction: "reply" });
  });

  it("an Outgoing-Call-Reply that is not connected expects nothing", () => {
    const s = new Session().start();
    s.client(M.OUT_CALL_REQUEST, { callId: PNS_ID });
    s.server(M.OUT_CALL_REPLY, { callId: PAC_ID, peerCallId: PNS_ID, result: 3 });
    expect(s.expectations).toEqual([]);
    expect(s.grePns().state).toBe("NEW");
  });

  it("an Outgoing-Call-Reply naming another PNS call id is ignored", () => {
    const s = new Session().start();
    s.client(M.OUT_CALL_REQUEST, { callId: PNS_ID });
    s.server(M.OUT_CALL_REPLY, { callId: PAC_ID, peerCallId: PNS_ID + 1, result: 1 });
    expect(s.expectations).toEqual([]);
  });

  it("an Outgoing-Call-Request before the session is confirmed is ignored, so its reply expects nothing", () => {
    const s = new Session();
    s.client(M.START_SESSION_REQUEST);
    s.client(M.OUT_CALL_REQUEST, { callId: PNS_ID });
    s.server(M.START_SESSION_REPLY, { result: 1 });
    s.server(M.OUT_CALL_REPLY, { callId: PAC_ID, peerCallId: PNS_ID, result: 1 });
    expect(s.expectations).toEqual([]);
  });

  it("a retransmitted Outgoing-Call-Reply replaces the expectations and keeps the keymaps", () => {
    const s = new Session().start().call();
    s.server(M.OUT_CALL_REPLY, { callId: PAC_ID, peerCallId: PNS_ID, result: 1 });
    expect(s.expectations).toEqual([`${PNS}>${PAC} 4001/8001`, `${PAC}>${PNS} 8001/4001`]);
    expect(s.keymaps.size).toBe(2);
  });

  it("a second call on the same session finds the keymaps taken: its expectations are withdrawn (one call per session, as Linux)", () => {
    const s = new Session().start().call();
    s.grePns();
    s.call(0x4002, 0x8002);
    expect(s.expectations).toEqual([]);
    expect(s.keymaps.size).toBe(2);
  });
});

describe("PPTP: the incoming call (Incoming-Call-Request / Reply / Connected)", () => {
  const incoming = (s: Session) => {
    s.server(M.IN_CALL_REQUEST, { callId: PAC_ID });
    s.client(M.IN_CALL_REPLY, { callId: PNS_ID, peerCallId: PAC_ID, result: 1 });
    s.server(M.IN_CALL_CONNECT, { peerCallId: PNS_ID });
  };

  it("Incoming-Call-Connected expects GRE both ways with the ids of the request and the reply", () => {
    const s = new Session().start();
    incoming(s);
    expect(s.expectations).toEqual([`${PNS}>${PAC} 4001/8001`, `${PAC}>${PNS} 8001/4001`]);
    expect(s.grePac()).toMatchObject({ state: "RELATED" });
  });

  it("an Incoming-Call-Reply that does not accept ends the call: Incoming-Call-Connected is then ignored", () => {
    const s = new Session().start();
    s.server(M.IN_CALL_REQUEST, { callId: PAC_ID });
    s.client(M.IN_CALL_REPLY, { callId: PNS_ID, peerCallId: PAC_ID, result: 3 });
    s.server(M.IN_CALL_CONNECT, { peerCallId: PNS_ID });
    expect(s.expectations).toEqual([]);
  });

  it("an Incoming-Call-Reply naming another PAC call id is ignored", () => {
    const s = new Session().start();
    s.server(M.IN_CALL_REQUEST, { callId: PAC_ID });
    s.client(M.IN_CALL_REPLY, { callId: PNS_ID, peerCallId: 0x9999, result: 1 });
    s.server(M.IN_CALL_CONNECT, { peerCallId: PNS_ID });
    expect(s.expectations).toEqual([]);
  });

  it("Incoming-Call-Connected naming another PNS call id is ignored", () => {
    const s = new Session().start();
    s.server(M.IN_CALL_REQUEST, { callId: PAC_ID });
    s.client(M.IN_CALL_REPLY, { callId: PNS_ID, peerCallId: PAC_ID, result: 1 });
    s.server(M.IN_CALL_CONNECT, { peerCallId: 0x1234 });
    expect(s.expectations).toEqual([]);
  });

  it("Incoming-Call-Request outside a confirmed session is ignored", () => {
    const s = new Session();
    incoming(s);
    expect(s.expectations).toEqual([]);
  });
});

describe("PPTP: the end of a call and of the session", () => {
  it("Call-Disconnect-Notify destroys the call's GRE entry and removes the keymaps: later GRE is NEW, each direction its own entry", () => {
    const s = new Session().start().call();
    s.grePns();
    s.grePac();
    s.client(M.CALL_CLEAR_REQUEST, { callId: PNS_ID });
    expect(s.keymaps.size).toBe(2);
    s.server(M.CALL_DISCONNECT_NOTIFY, { callId: PAC_ID, result: 1 });
    expect(s.keymaps.size).toBe(0);
    expect(s.h.eventsOf("conn-destroy").map((e) => [e.connection.original.protocolName, e.reason])).toEqual([["gre", "killed"]]);
    expect(s.grePns()).toMatchObject({ state: "NEW", direction: "original" });
    expect(s.grePac()).toMatchObject({ state: "NEW", direction: "original" });
  });

  it("Call-Disconnect-Notify before any GRE removes the call's expectations instead", () => {
    const s = new Session().start().call();
    s.server(M.CALL_DISCONNECT_NOTIFY, { callId: PAC_ID, result: 1 });
    expect(s.expectations).toEqual([]);
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["removed", "removed"]);
  });

  it("after the call's end a new call can be set up on the same session", () => {
    const s = new Session().start().call();
    s.server(M.CALL_DISCONNECT_NOTIFY, { callId: PAC_ID });
    s.call(0x4002, 0x8002);
    expect(s.expectations).toEqual([`${PNS}>${PAC} 4002/8002`, `${PAC}>${PNS} 8002/4002`]);
  });

  it("the control connection's end destroys the call's GRE entry and the keymaps (pptp_destroy_siblings)", () => {
    const s = new Session().start().call();
    s.grePns();
    s.h.engine.flush();
    expect(s.keymaps.size).toBe(0);
    expect(s.h.eventsOf("conn-destroy").map((e) => e.connection.original.protocolName).sort()).toEqual(["gre", "tcp"]);
  });

  it("Stop-Control-Connection-Request / Reply end the session: a call request is then ignored", () => {
    const s = new Session().start();
    s.client(M.STOP_SESSION_REQUEST);
    s.server(M.STOP_SESSION_REPLY, { result: 1 });
    s.call();
    expect(s.expectations).toEqual([]);
    // A new session can start after a successful stop.
    s.start().call();
    expect(s.expectations).toHaveLength(2);
  });

  it("a Start-Control-Connection-Reply with an error leaves the session unconfirmed", () => {
    const s = new Session();
    s.client(M.START_SESSION_REQUEST);
    s.server(M.START_SESSION_REPLY, { result: 2 });
    s.call();
    expect(s.expectations).toEqual([]);
  });

  it("a second Start-Control-Connection-Request is ignored; a Start reply without a request too", () => {
    const s = new Session();
    s.server(M.START_SESSION_REPLY, { result: 1 });
    s.call();
    expect(s.expectations).toEqual([]);
  });

  it("echo, Set-Link-Info and WAN-Error-Notify change nothing", () => {
    const s = new Session().start();
    s.client(M.ECHO_REQUEST, { bodyLength: 4 });
    s.server(M.ECHO_REPLY, { bodyLength: 8 });
    s.client(M.SET_LINK_INFO, { peerCallId: 1 });
    s.server(M.WAN_ERROR_NOTIFY, { peerCallId: 1 });
    s.call();
    expect(s.expectations).toHaveLength(2);
  });
});

describe("PPTP: what the helper does not act on", () => {
  it("a message shorter than its type's fields is ignored whole", () => {
    const s = new Session().start();
    s.client(M.OUT_CALL_REQUEST, { callId: PNS_ID });
    s.server(M.OUT_CALL_REPLY, { callId: PAC_ID, peerCallId: PNS_ID, result: 1, bodyLength: 19 });
    expect(s.expectations).toEqual([]);
  });

  it("a management message or a wrong magic cookie is ignored", () => {
    for (const f of [{ pptpType: 2 }, { cookie: 0x1a2b3c4e }]) {
      const s = new Session().start();
      s.client(M.OUT_CALL_REQUEST, { callId: PNS_ID });
      s.server(M.OUT_CALL_REPLY, { callId: PAC_ID, peerCallId: PNS_ID, result: 1, ...f });
      expect(s.expectations).toEqual([]);
    }
  });

  it("a message from the wrong side is ignored (an Outgoing-Call-Reply from the PNS)", () => {
    const s = new Session().start();
    s.client(M.OUT_CALL_REQUEST, { callId: PNS_ID });
    s.client(M.OUT_CALL_REPLY, { callId: PAC_ID, peerCallId: PNS_ID, result: 1 });
    expect(s.expectations).toEqual([]);
  });

  it("never drops a control packet, whatever it carries", () => {
    const s = new Session().start();
    for (let type = 0; type < 20; type++) {
      expect(s.client(type).every((r) => r.verdict === "accept")).toBe(true);
      expect(s.server(type).every((r) => r.verdict === "accept")).toBe(true);
    }
  });

  it("attaches to tcp/1723 over IPv4 only, as Linux registers it; attached to an IPv6 connection anyway it does nothing", () => {
    expect(pptpHelper().attach).toEqual([{ protocol: "tcp", port: 1723, family: 4 }]);
    const h = helperHarness({ helpers: [pptpHelper()], attach: [{ helper: "pptp", protocol: "tcp", port: 1723 }] });
    const c = tcpConversation({ family: 6, serverPort: 1723 });
    h.run(c.handshake());
    h.run(c.client(pptpMessage(M.START_SESSION_REQUEST)));
    h.run(c.server(pptpMessage(M.START_SESSION_REPLY, { result: 1 })));
    h.run(c.client(pptpMessage(M.OUT_CALL_REQUEST, { callId: PNS_ID })));
    h.run(c.server(pptpMessage(M.OUT_CALL_REPLY, { callId: PAC_ID, peerCallId: PNS_ID, result: 1 })));
    expect(h.records.at(-1)!.helper).toBe("pptp");
    expect(h.expectations()).toEqual([]);
  });

  it("without a GRE tracker offering keymaps it still expects the GRE, but the PAC's answer is an entry of its own", () => {
    // A GRE tracker of the user's own replaces the built-in one, and offers no keymaps.
    const plainGre = defineTracker({
      name: "gre",
      protocols: [47],
      decode: (p) => {
        p.clearTransport();
        if (p.l4Length >= 8) p.dport = (p.bytes[p.l4Offset + 6]! << 8) | p.bytes[p.l4Offset + 7]!;
        return Reason.NONE;
      },
      packet: (t, slot, _dir, p) => {
        t.setExpires(slot, p.time[0]! + 30);
        return TRACK_OK;
      },
    });
    expect(createEngine({ trackers: [plainGre] }).service(GRE_KEYMAPS)).toBeUndefined();
    const s = new Session({ trackers: [plainGre] });
    s.start().call();
    expect(s.expectations).toHaveLength(2);
    // Without the keymap the PNS's packet has source key 0 and matches nothing.
    expect(s.grePns().state).toBe("NEW");
  });
});

describe("readControlMessage", () => {
  it("reads the fields of each message type", () => {
    const m = emptyMessage();
    const read = (bytes: Uint8Array) => (readControlMessage(bytes, 0, bytes.length, m) ? { ...m } : null);
    expect(read(pptpMessage(M.OUT_CALL_REPLY, { callId: 1, peerCallId: 2, result: 1 }))).toEqual({ type: 8, callId: 1, peerCallId: 2, result: 1 });
    expect(read(pptpMessage(M.IN_CALL_REPLY, { callId: 3, peerCallId: 4, result: 2 }))).toEqual({ type: 10, callId: 3, peerCallId: 4, result: 2 });
    expect(read(pptpMessage(M.OUT_CALL_REQUEST, { callId: 5 }))).toEqual({ type: 7, callId: 5, peerCallId: 0, result: 0 });
    expect(read(pptpMessage(M.IN_CALL_CONNECT, { peerCallId: 6 }))).toEqual({ type: 11, callId: 0, peerCallId: 6, result: 0 });
    expect(read(pptpMessage(M.CALL_DISCONNECT_NOTIFY, { callId: 7, result: 3 }))).toEqual({ type: 13, callId: 7, peerCallId: 0, result: 3 });
    expect(read(pptpMessage(M.START_SESSION_REPLY, { result: 1 }))).toEqual({ type: 2, callId: 0, peerCallId: 0, result: 1 });
    expect(read(pptpMessage(M.STOP_SESSION_REPLY, { result: 2 }))).toEqual({ type: 4, callId: 0, peerCallId: 0, result: 2 });
    expect(read(pptpMessage(M.ECHO_REQUEST, { bodyLength: 0 }))).toMatchObject({ type: 5 });
    expect(read(new Uint8Array(11))).toBe(null);
  });

  it("exports the session and call states Linux has", () => {
    expect(Object.keys(SessionState)).toEqual(["NONE", "ERROR", "STOP_REQUESTED", "REQUESTED", "CONFIRMED"]);
    expect(Object.keys(CallState)).toHaveLength(8);
  });
});
