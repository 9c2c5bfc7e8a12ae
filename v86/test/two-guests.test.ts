// Real Linux on both sides of the gateway: two v86 guests (Debian's i386
// kernel and busybox) in this process, the client on the LAN, the server
// (scripted FTP and IRC servers, a DCC peer) on the WAN. The guest image
// is built from Debian packages and cached (v86/guest/build-image.mjs).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { ircHelper } from "@alg-sdk/helper-irc";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import { buildGuestImage } from "../guest/build-image.mjs";
import { Guest } from "./support/guest.js";
import { CLIENT_ARGS, Network, SERVER_ARGS } from "./support/network.js";
import { natPolicy, routedPolicy } from "./support/policies.js";

const FILE_SIZE = 3012; // /srv/file.txt on the server (start-server.sh)
const withHelpers = () => [ftpHelper(), ircHelper(), icmpHelper()];

let net: Network;
let client: Guest;
let server: Guest;
const timing: Record<string, number> = {};

beforeAll(async () => {
  let t = performance.now();
  const imageDir: string = buildGuestImage();
  timing.imageSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  client = new Guest({ name: "client", imageDir, args: CLIENT_ARGS });
  server = new Guest({ name: "server", imageDir, args: SERVER_ARGS });
  net = new Network(client, server, { helpers: withHelpers(), policy: routedPolicy });
  await Promise.all([client.waitFor(/@@ready client/, 200_000), server.waitFor(/@@ready server/, 200_000)]);
  timing.bootSeconds = (performance.now() - t) / 1000;
}, 240_000);

afterAll(async () => {
  net?.stop();
  await Promise.all([client?.destroy(), server?.destroy()]);
  console.log(`two guests: image ${timing.imageSeconds?.toFixed(1)} s, boot ${timing.bootSeconds?.toFixed(1)} s`);
});

describe("two v86 guests, routed (no NAT), FTP/IRC/ICMP helpers, strict firewall", () => {
  it("ping works both ways between client and gateway, and client to server over IPv4 and IPv6", async () => {
    net.clear();
    expect((await client.run("ping -c 2 -W 3 10.0.1.1")).code).toBe(0);
    const four = await client.run("ping -c 3 -W 3 10.0.2.2");
    expect(four.code, four.output).toBe(0);
    // 3000-byte pings travel in fragments: the engine reassembles them, the gateway fragments them again.
    const big = await client.run("ping -c 2 -W 3 -s 3000 10.0.2.2");
    expect(big.code, big.output).toBe(0);
    expect(net.gateway.stats.fragmentsSent).toBeGreaterThanOrEqual(6);
    const six = await client.run("ping6 -c 3 -W 3 fd00:2::2");
    expect(six.code, six.output).toBe(0);
    const icmp = net.events.filter((e) => e.type === "conn-new" && e.connection.original.protocolName.startsWith("icmp"));
    expect(icmp.map((e) => e.type === "conn-new" && e.connection.original.dst)).toEqual(expect.arrayContaining(["10.0.2.2", "fd00:2::2"]));
    expect(net.gateway.stats.acceptedByState[1]).toBeGreaterThanOrEqual(6); // echo replies: ESTABLISHED
  }, 60_000);

  it("passive FTP: the 227 reply opens the data connection as RELATED and the file arrives", async () => {
    net.clear();
    const r = await client.run("ftpget -u anonymous -p guest 10.0.2.2 /tmp/passive.txt file.txt && wc -c < /tmp/passive.txt", 40_000);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(String(FILE_SIZE));
    expect(net.events.some((e) => e.type === "expect-new" && e.expectation.helper === "ftp")).toBe(true);
    const related = net.relatedConnections();
    expect(related).toEqual([expect.objectContaining({ original: expect.objectContaining({ src: "10.0.1.2", dst: "10.0.2.2", protocolName: "tcp" }) })]);
    expect(related[0]!.master?.original.dstPort).toBe(21);
  }, 60_000);

  it("active FTP: the PORT command opens the server's connection back as RELATED and the file arrives", async () => {
    net.clear();
    const r = await client.run("/srv/ftp-active.sh 10.0.2.2 10.0.1.2 5001 /tmp/active.txt", 40_000);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(String(FILE_SIZE));
    const related = net.relatedConnections();
    expect(related).toEqual([
      expect.objectContaining({ original: expect.objectContaining({ src: "10.0.2.2", dst: "10.0.1.2", dstPort: 5001 }) }),
    ]);
  }, 60_000);

  it("IRC DCC: the offer opens the peer's connection back as RELATED and the payload arrives", async () => {
    net.clear();
    const r = await client.run("/srv/dcc-offer.sh 10.0.2.2 10.0.1.2 5555", 40_000);
    expect(r.code, r.output).toBe(0);
    const got = await server.run("cat /tmp/dcc.got; cat /tmp/dcc.offer");
    expect(got.output).toContain("dcc payload from the LAN guest");
    expect(got.output).toContain("dcc offer 10.0.1.2 5555");
    const related = net.relatedConnections();
    expect(related).toEqual([expect.objectContaining({ original: expect.objectContaining({ src: "10.0.2.2", dst: "10.0.1.2", dstPort: 5555 }) })]);
    expect(related[0]!.master?.original.dstPort).toBe(6667);
  }, 60_000);

  it("a NEW connection from the WAN is dropped, though the client listens", async () => {
    net.clear();
    // The listener's input is a FIFO held open, not the console (busybox nc would read the harness's commands).
    await client.run("rm -f /tmp/in.txt /tmp/hold.in; mkfifo /tmp/hold.in; nc -l -p 2323 <> /tmp/hold.in > /tmp/in.txt & echo $! > /tmp/in.pid");
    const r = await server.run("echo hello | timeout 6 nc 10.0.1.2 2323", 20_000);
    expect(r.code).not.toBe(0);
    expect((await client.run("cat /tmp/in.txt")).output).not.toContain("hello");
    const drops = net.verdicts.filter((v) => v.in === "wan" && v.dport === 2323);
    expect(drops.length).toBeGreaterThanOrEqual(1);
    expect(drops.every((v) => v.verdict === "drop" && v.reason === "filtered" && v.state === "NEW")).toBe(true);
    expect(net.events.some((e) => e.type === "conn-new" && e.connection.original.dstPort === 2323)).toBe(false);
    await client.run("kill $(cat /tmp/in.pid) 2>/dev/null; true");
  }, 60_000);

  it("without the helpers the same firewall stops both FTP data channels and the DCC connection", async () => {
    net.use({ helpers: [], policy: routedPolicy });
    try {
      const passive = await client.run("timeout 5 ftpget -u anonymous -p guest 10.0.2.2 /tmp/p2.txt file.txt", 30_000);
      expect(passive.code).not.toBe(0);
      const active = await client.run("/srv/ftp-active.sh 10.0.2.2 10.0.1.2 5002 /tmp/a2.txt 5", 30_000);
      expect(active.output).toMatch(/^\s*0\s*$/m);
      expect(net.relatedConnections()).toHaveLength(0);
      const dropped = net.verdicts.filter((v) => v.verdict === "drop" && v.reason === "filtered" && v.state === "NEW");
      expect(dropped.some((v) => v.in === "lan" && v.dst === "10.0.2.2" && v.dport !== 21)).toBe(true); // passive data
      expect(dropped.some((v) => v.in === "wan" && v.dport === 5002)).toBe(true); // active data
    } finally {
      net.use({ helpers: withHelpers(), policy: routedPolicy });
    }
  }, 90_000);
});

describe("two v86 guests through NAT (switches on when core applies NAT)", () => {
  it("ping through NAT: the server sees the gateway's WAN address", async () => {
    net.use({ helpers: withHelpers(), policy: natPolicy });
    const r = await client.run("ping -c 2 -W 3 10.0.2.2");
    expect(r.code, r.output).toBe(0);
    const c = net.events.find((e) => e.type === "conn-new" && e.connection.original.protocolName === "icmp");
    expect(c?.type === "conn-new" && c.connection.reply.dst).toBe("10.0.2.1");
  }, 60_000);

  it("passive and active FTP through NAT with the helper: PORT rewritten to the WAN address", async () => {
    net.use({ helpers: withHelpers(), policy: natPolicy });
    const passive = await client.run("ftpget -u anonymous -p guest 10.0.2.2 /tmp/np.txt file.txt && wc -c < /tmp/np.txt", 40_000);
    expect(passive.code, passive.output).toBe(0);
    net.clear();
    const active = await client.run("/srv/ftp-active.sh 10.0.2.2 10.0.1.2 5003 /tmp/na.txt", 40_000);
    expect(active.output).toContain(String(FILE_SIZE));
    const rewrites = net.events.filter((e) => e.type === "payload-rewrite" && e.helper === "ftp");
    expect(rewrites.length).toBeGreaterThanOrEqual(1);
    expect((await server.run("cat /tmp/ftp.port-target")).output).toMatch(/^10\.0\.2\.1 \d+/m);
    expect(net.relatedConnections()).toHaveLength(1);
  }, 90_000);

  it("active FTP through NAT fails without the helper", async () => {
    net.use({ helpers: [], policy: natPolicy });
    try {
      const active = await client.run("/srv/ftp-active.sh 10.0.2.2 10.0.1.2 5004 /tmp/na2.txt 5", 30_000);
      expect(active.output).toMatch(/^\s*0\s*$/m);
    } finally {
      net.use({ helpers: withHelpers(), policy: natPolicy });
    }
  }, 60_000);

  it("IRC DCC through NAT: the offer is rewritten and the peer's connection arrives", async () => {
    net.use({ helpers: withHelpers(), policy: natPolicy });
    const r = await client.run("/srv/dcc-offer.sh 10.0.2.2 10.0.1.2 5556", 40_000);
    expect(r.code).toBe(0);
    const got = await server.run("cat /tmp/dcc.got; cat /tmp/dcc.offer");
    expect(got.output).toContain("dcc payload from the LAN guest");
    expect(got.output).toMatch(/dcc offer 10\.0\.2\.1 \d+/);
    expect(net.events.some((e) => e.type === "payload-rewrite" && e.helper === "irc")).toBe(true);
  }, 60_000);
});
