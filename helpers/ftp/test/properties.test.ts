import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAddress } from "@alg-sdk/core";
import { FtpCommand, FtpMatch, parseFtpCommand, type FtpOptions } from "@alg-sdk/helper-ftp";
import { toBytes, type Side } from "@alg-sdk/testing";
import { ftpSession, V4 } from "./support/session.js";

/** Properties over random and mutated control traffic on tcp/21. */

const COMMANDS = [
  "PORT 10,0,1,2,4,1\r\n",
  "PORT 10,0,9,9,4,1\r\n",
  "EPRT |1|10.0.1.2|6275|\r\n",
  "EPRT |2|fd00:1::2|6275|\r\n",
  "227 Entering Passive Mode (10,0,2,2,117,136).\r\n",
  "227 Entering Passive Mode (10,0,1,2,117,136).\r\n",
  "229 Entering Extended Passive Mode (|||6446|)\r\n",
  "USER anonymous\r\n",
  "200 PORT command successful.\r\n",
];

/** A command with a few random edits: replaced, inserted or deleted bytes, case flips, truncation. */
const mutated = fc
  .tuple(
    fc.constantFrom(...COMMANDS),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "delete", "flip")), { maxLength: 4 }),
    fc.option(fc.nat(), { nil: undefined }),
  )
  .map(([text, edits, cut]) => {
    const b = [...toBytes(text)];
    for (const [at, v, op] of edits) {
      const i = at % (b.length + 1);
      if (op === "set" && i < b.length) b[i] = v;
      else if (op === "insert") b.splice(i, 0, v);
      else if (op === "delete") b.splice(i, 1);
      else if (op === "flip" && i < b.length) b[i] = b[i]! ^ 0x20;
    }
    return Uint8Array.from(cut === undefined ? b : b.slice(0, cut % (b.length + 1)));
  });

const payload = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 96 }),
  mutated,
  { arbitrary: fc.constantFrom(...COMMANDS).map((t) => toBytes(t)), weight: 2 },
);
const step = fc.record({
  from: fc.constantFrom<Side>("client", "server"),
  data: payload,
  segments: fc.oneof({ arbitrary: fc.constant(1), weight: 2 }, fc.integer({ min: 2, max: 3 })),
});

const MODES: [string, FtpOptions][] = [
  ["linux", {}],
  ["lenient", { onPartialMatch: "accept" }],
  ["stream", { stream: true }],
  ["stream lenient", { stream: { maxLine: 64, maxOutOfOrder: 128 }, onPartialMatch: "accept" }],
];

describe.each(MODES)("random traffic, %s mode", (_, ftp) => {
  it("never throws, only expects the sender's address, and stays within the limits", () => {
    let created = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const s = ftpSession({ ftp });
        const senderAt = new Map<number, Side>();
        for (const st of steps) {
          if (st.data.length === 0) continue;
          const n = Math.min(st.segments, st.data.length);
          for (const p of s.c.send(st.from, st.data, { segments: n })) {
            senderAt.set(p.ts, p.from);
            s.h.run(p);
            expect(s.h.expectations().length).toBeLessThanOrEqual(1);
          }
        }
        expect(s.h.eventsOf("helper-error")).toEqual([]);
        created += s.h.created().length;
        for (const e of s.h.created()) {
          const from = senderAt.get(e.created);
          expect(from).toBeDefined();
          const sender = from === "client" ? V4.client : V4.server;
          const other = from === "client" ? V4.server : V4.client;
          expect(e.tuple.dst).toBe(sender);
          expect(e.tuple.src).toBe(other);
          expect(e).toMatchObject({ class: 0, helper: "ftp", timeout: 300, tuple: { protocol: 6, srcPort: 0 }, mask: { srcPort: 0, dstPort: 0xffff } });
        }
      }),
      { numRuns: 150 },
    );
    // The generators do reach the interesting path (about 10% of steps create one).
    expect(created).toBeGreaterThan(0);
  });
});

describe("parseFtpCommand", () => {
  it("reads nothing outside [start, end)", () => {
    fc.assert(
      fc.property(payload, fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 16 }), fc.constantFrom(0, 1), fc.constantFrom(4, 6), (data, pre, post, dir, family) => {
        const big = Uint8Array.from([...pre, ...data, ...post]);
        const sender = family === 4 ? [0x0a000102, 0, 0, 0] : [0xfd000001, 0, 0, 2];
        const a = new FtpCommand();
        const b = new FtpCommand();
        const ra = parseFtpCommand(data, 0, data.length, dir, family, sender, a);
        const rb = parseFtpCommand(big, pre.length, pre.length + data.length, dir, family, sender, b);
        expect(rb).toBe(ra);
        expect([...b.address, b.port, b.kind]).toEqual([...a.address, a.port, a.kind]);
      }),
      { numRuns: 2000 },
    );
  });

  it("computes PORT's address and port as the kernel's u32 arithmetic does", () => {
    const num = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.bigInt({ min: 0n, max: 10n ** 15n }));
    fc.assert(
      fc.property(fc.array(num, { minLength: 6, maxLength: 6 }), (ns) => {
        const v = ns.map((n) => BigInt(n) % 2n ** 32n);
        const cmd = new FtpCommand();
        const b = toBytes(`PORT ${ns.join(",")}\r\n`);
        expect(parseFtpCommand(b, 0, b.length, 0, 4, [0, 0, 0, 0], cmd)).toBe(FtpMatch.FOUND);
        const mask = 2n ** 32n - 1n;
        const addr = ((v[0]! << 24n) | (v[1]! << 16n) | (v[2]! << 8n) | v[3]!) & mask;
        expect(cmd.address[0]).toBe(Number(addr));
        expect(cmd.port).toBe(Number(((v[4]! << 8n) | v[5]!) & 0xffffn));
      }),
    );
  });

  it("reads any IPv6 address in EPRT, compressed or not", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }), fc.boolean(), fc.integer({ min: 1, max: 65535 }), (groups, full, port) => {
        const words = [0, 1, 2, 3].map((i) => ((groups[i * 2]! << 16) | groups[i * 2 + 1]!) >>> 0);
        const text = full ? groups.map((g) => g.toString(16)).join(":") : formatAddress(6, words);
        const cmd = new FtpCommand();
        const b = toBytes(`EPRT |2|${text}|${port}|\r\n`);
        expect(parseFtpCommand(b, 0, b.length, 0, 6, [0, 0, 0, 0], cmd), text).toBe(FtpMatch.FOUND);
        expect([...cmd.address]).toEqual(words);
        expect(cmd.port).toBe(port);
      }),
    );
  });
});

describe("stream mode reassembly", () => {
  it("sees every command however the stream is cut and reordered", () => {
    const line = fc.integer({ min: 1, max: 65535 }).map((p) => ({ port: p, text: `PORT 10,0,1,2,${p >> 8},${p & 255}\r\n` }));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(line, fc.constant({ port: -1, text: "NOOP\r\n" })), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 9 }),
        fc.nat(),
        (lines, pieces, seed) => {
          const s = ftpSession({ ftp: { stream: true } });
          const text = lines.map((l) => l.text).join("");
          const n = Math.min(pieces, text.length);
          // A deterministic shuffle from the seed: at most 9 segments, so at most 8 pieces wait ahead.
          const order = Array.from({ length: n }, (_, i) => i);
          for (let i = n - 1, r = seed; i > 0; i--, r = Math.floor(r / 7) + i) {
            const j = r % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          s.client(text, { segments: n, order });
          expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual(lines.filter((l) => l.port >= 0).map((l) => l.port));
        },
      ),
      { numRuns: 300 },
    );
  });
});
