import { describe, expect, it } from "vitest";
import { Attrs } from "../src/netlink/reader.js";
import { CthAttr, CthPolicySetAttr } from "../src/cthelper/constants.js";
import { decodeHelper, encodeHelperDelete, encodeHelperGetDump, encodeHelperNew, type UserspaceHelper } from "../src/cthelper/messages.js";
import { NlmFlag } from "../src/netlink/constants.js";
import { hex, only, toHex } from "./support.js";

const ftp: UserspaceHelper = { name: "alg-ftp", l3: 2, l4: 6, queue: 3, policies: [{ name: "ftp", maxExpected: 1, timeout: 300 }] };

describe("cthelper messages", () => {
  it("NEW: subsystem 9 type 0, name, queue, tuple nest, policy count and sets, no private data, enabled", () => {
    const m = only(encodeHelperNew(ftp, 1));
    expect(m.type).toBe(0x0900);
    expect(m.flags & NlmFlag.CREATE).toBe(NlmFlag.CREATE);
    const a = Attrs.ofMessage(m);
    expect(a.string(CthAttr.NAME)).toBe("alg-ftp");
    expect(a.be32(CthAttr.QUEUE_NUM)).toBe(3);
    // NFCTH_TUPLE: L3PROTONUM is big-endian 16-bit, L4PROTONUM one byte.
    expect(toHex(a.raw(CthAttr.TUPLE)!)).toBe(toHex(hex(`0600 0100 0002 0000  0500 0200 06 000000`)));
    expect(a.nested(CthAttr.POLICY)?.be32(CthPolicySetAttr.NUM)).toBe(1);
    expect(a.be32(CthAttr.PRIV_DATA_LEN)).toBe(0);
    expect(a.be32(CthAttr.STATUS)).toBe(1);
  });

  it("round-trips several policy classes", () => {
    const sip: UserspaceHelper = {
      name: "alg-sip",
      l3: 10,
      l4: 17,
      queue: 0,
      policies: [
        { name: "signalling", maxExpected: 2, timeout: 180 },
        { name: "audio", maxExpected: 4, timeout: 180 },
      ],
      enabled: false,
    };
    expect(decodeHelper(only(encodeHelperNew(sip, 1)))).toEqual(sip);
  });

  it("DEL names the helper and its tuple; GET is a dump", () => {
    const d = only(encodeHelperDelete("alg-ftp", 2, 6, 5));
    expect(d.type).toBe(0x0902);
    const a = Attrs.ofMessage(d);
    expect(a.string(CthAttr.NAME)).toBe("alg-ftp");
    expect(a.has(CthAttr.TUPLE)).toBe(true);
    const g = only(encodeHelperGetDump(6));
    expect(g.type).toBe(0x0901);
    expect(g.flags & NlmFlag.DUMP).toBe(NlmFlag.DUMP);
  });

  it("decodes something else as null", () => {
    expect(decodeHelper(only(encodeHelperGetDump(1)))).toBeNull();
  });
});
