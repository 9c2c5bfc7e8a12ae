import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { entryPoints } from "../../scripts/entry-points.mjs";

// Imports the BUILT packages the way an npm user gets them: resolved by Node
// through node_modules and each package's "exports" map (ESM and CommonJS),
// not through the test aliases to the sources. `npm test` builds first.
const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../../", import.meta.url));
const built = existsSync(`${root}core/dist/index.js`);

// A SYN from 10.0.1.2:40000 to 10.0.2.2:21 and the SYN-ACK back, built by the built test kit (CommonJS).
function handshake(): { syn: Uint8Array; synAck: Uint8Array } {
  const { tcp } = require("@alg-sdk/testing");
  return {
    syn: tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 21, seq: 1, flags: "S" }),
    synAck: tcp({ src: "10.0.2.2", dst: "10.0.1.2", sport: 21, dport: 40000, seq: 100, ack: 2, flags: "SA" }),
  };
}

// Skipped only outside CI when nothing was built yet (`npx vitest` straight after a clone).
describe.skipIf(!built && !process.env.CI)("the built packages", () => {
  it("@alg-sdk/core works from ESM with a helper from its own package", async () => {
    const core = await import(pathToFileURL(require.resolve("@alg-sdk/core").replace(/index\.cjs$/, "index.js")).href);
    const ftp = await import(pathToFileURL(require.resolve("@alg-sdk/helper-ftp").replace(/index\.cjs$/, "index.js")).href);
    const engine = core.createEngine({ helpers: [ftp.ftpHelper()] });
    const { syn, synAck } = handshake();
    const r = engine.process(syn, 1);
    expect([r.stateName, r.directionName, r.helper]).toEqual(["NEW", "original", "ftp"]);
    expect(engine.process(synAck, 1).stateName).toBe("ESTABLISHED");
  });

  it("@alg-sdk/core works from CommonJS, and both builds share one set of tokens", async () => {
    const cjs = require("@alg-sdk/core");
    const esm = await import(pathToFileURL(require.resolve("@alg-sdk/core").replace(/index\.cjs$/, "index.js")).href);
    const engine = cjs.createEngine({ helpers: [require("@alg-sdk/helper-icmp").icmpHelper()] });
    expect(engine.process(handshake().syn, 1).stateName).toBe("NEW");
    expect(cjs.TOKENS.Helper).toBe(esm.TOKENS.Helper);
  });

  it("every package resolves through its exports map", () => {
    // Every entry point with a CommonJS build, from the root workspaces list
    // (scripts/check-packs.mjs also imports each one from its tarball).
    const specifiers = entryPoints()
      .filter((e) => JSON.stringify(e.ws.pkg.exports?.[e.subpath] ?? "").includes('"require"'))
      .map((e) => e.specifier);
    expect(specifiers).toEqual(expect.arrayContaining(["@alg-sdk/core", "@alg-sdk/core/payload", "@alg-sdk/helper-sip", "@alg-sdk/rules"]));
    for (const name of specifiers) {
      const mod = require(name);
      expect(Object.keys(mod).length, name).toBeGreaterThan(0);
    }
  });

  it("@alg-sdk/vnet from its build forwards a frame through the built core", async () => {
    const vnet = await import(pathToFileURL(require.resolve("@alg-sdk/vnet").replace(/index\.cjs$/, "index.js")).href);
    const gw = vnet.createGateway({
      interfaces: [
        { name: "lan", mac: "02:00:00:00:01:01", ipv4: "10.0.1.1/24" },
        { name: "wan", mac: "02:00:00:00:02:01", ipv4: "10.0.2.1/24" },
      ],
    });
    const out: Uint8Array[] = [];
    gw.connect("wan", (f: Uint8Array) => out.push(f));
    // The kit's SYN carries the valid IPv4 header checksum a router checks.
    const { syn } = handshake();
    const frame = new Uint8Array(14 + syn.length);
    frame.set([2, 0, 0, 0, 1, 1, 2, 0, 0, 0, 1, 2, 0x08, 0x00]);
    frame.set(syn, 14);
    gw.receive("lan", frame, 1);
    // The next hop is unknown: the gateway asks for it by ARP on the WAN and tracks the SYN.
    expect(out).toHaveLength(1);
    expect((out[0]![12]! << 8) | out[0]![13]!).toBe(0x0806);
    expect(gw.engine.connectionCount).toBe(1);
  });

  it("the pcap reader from its build reads a capture", async () => {
    const pcap = require("@alg-sdk/pcap");
    const writer = new pcap.PcapWriter({ linkType: 101 });
    const parts: Uint8Array[] = [writer.header(), writer.record(handshake().syn, 1.5)];
    const file = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      file.set(p, o);
      o += p.length;
    }
    const records = [...pcap.readCapture(file)];
    expect(records.map((r: { tsSeconds: number }) => r.tsSeconds)).toEqual([1.5]);
  });

  it("@alg-sdk/rules compiled from its ESM build drives the ESM engine; the CommonJS build compiles too", async () => {
    const esm = (name: string) => pathToFileURL(require.resolve(name).replace(/index\.cjs$/, "index.js")).href;
    const core = await import(esm("@alg-sdk/core"));
    const rules = await import(esm("@alg-sdk/rules"));
    const policy = rules.compileRules("policy drop\nct state new tcp dport 21 accept\nct state established accept");
    const engine = core.createEngine({ policy });
    const { syn, synAck } = handshake();
    expect(engine.process(syn, 1).verdictName).toBe("accept");
    expect(engine.process(synAck, 1).stateName).toBe("ESTABLISHED");
    expect(policy.hits).toEqual([1, 1, 0]);
    expect(require("@alg-sdk/rules").compileRules("snat to 10.9.9.9").sourceNat).toBeTypeOf("function");
  });
});
