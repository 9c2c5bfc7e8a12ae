// Frames per second through the vnet gateway (Ethernet, ARP, routing, the
// engine with the FTP/IRC/ICMP helpers and a filter), in Node and in
// Chromium, side by side, and the engine's share of the time (the same
// IP datagrams through a bare engine).
//
//   npm run build && node bench/vnet-gateway.mjs [connections]
//
// Chromium is Debian's (/usr/bin/chromium, or CHROMIUM_PATH), headless.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { CHROMIUM, chromiumArgs, startServer } from "../view/serve.mjs";

const connections = Number(process.argv[2] ?? 20000);
const lib = await import("../view/dist/lib.mjs");

const node = lib.benchGateway(lib.syntheticTraffic({ connections }), 3);

const server = await startServer();
const profile = mkdtempSync(join(tmpdir(), "vnet-bench-"));
let chrome;
const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: chromiumArgs(profile), headless: true });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench.html`);
  chrome = await page.evaluate(async (n) => {
    const m = await import("/lib.mjs");
    return m.benchGateway(m.syntheticTraffic({ connections: n }), 3);
  }, connections);
} finally {
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}

const row = (name, r) =>
  `${name.padEnd(10)} ${String(r.frames).padStart(8)} ${(r.framesPerSecond / 1e3).toFixed(0).padStart(10)}k ` +
  `${(r.gatewaySeconds * 1e3).toFixed(1).padStart(10)} ${(r.engineSeconds * 1e3).toFixed(1).padStart(10)} ${(r.engineShare * 100).toFixed(0).padStart(8)}%`;
console.log(`synthetic traffic: ${connections} TCP sessions (10% FTP with a RELATED data connection), pings, NEW from the WAN dropped; best of 3`);
console.log(`${"runtime".padEnd(10)} ${"frames".padStart(8)} ${"frames/s".padStart(11)} ${"gateway ms".padStart(10)} ${"engine ms".padStart(10)} ${"engine".padStart(9)}`);
console.log(row(`node ${process.versions.node.split(".")[0]}`, node));
console.log(row("chromium", chrome));
console.log(`forwarded ${node.forwarded}, dropped by the filter ${node.dropped} (node); ${chrome.forwarded} / ${chrome.dropped} (chromium)`);
