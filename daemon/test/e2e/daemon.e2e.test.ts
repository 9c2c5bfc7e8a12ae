/**
 * End to end: the daemon in a router namespace between an FTP/IRC client and
 * a server, the real kernel's conntrack, NFQUEUE and ctnetlink. The router
 * drops forwarded packets unless they are established/related or go to the
 * control ports, and no kernel FTP/IRC helper is attached: data connections
 * pass only through expectations the daemon creates. Needs root; runs in CI.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Lines, Topology, exited, missingTools, unavailable } from "./netns.js";

const why = unavailable();
const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));
const PEERS = fileURLToPath(new URL("./peers/", import.meta.url));
const TOOLS = ["nft", "iptables-nft", "conntrack", "vsftpd", "lftp"];
const STEP_MS = 2000;

const net = new Topology(`algd${process.pid % 100000}`);
const { CLIENT_IP, SERVER_IP, SERVER_IP6 } = Topology;
const work = mkdtempSync(join(tmpdir(), "alg-daemon-e2e-"));
const ftpRoot = join(work, "ftp");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
let fileSha = "";
const background: ChildProcess[] = [];
/** Daemons of the running test: killed after it, so a failed test leaves no queue bound. */
let daemons: ChildProcess[] = [];

/**
 * The router's firewall. The nft table is the firewall proper; the mangle
 * FORWARD rules (iptables-nft: this kernel has no nft queue statement) hand
 * control-connection packets to the daemon before the filter sees them.
 */
function firewall(o: { standin: boolean; queue: "none" | "plain" | "bypass" }): void {
  net.run(net.router, "nft", ["flush", "ruleset"]);
  const rules = `
table inet fw {
  ct helper standin { type "sane" protocol tcp; l3proto inet; }
  chain prerouting_helpers {
    type filter hook prerouting priority filter; policy accept;
    ${o.standin ? `tcp dport { 21, 6667 } ct state new ct helper set "standin"` : ""}
  }
  chain forward_filter {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    tcp dport { 21, 6667 } accept
  }
}`;
  net.run(net.router, "nft", ["-f", "-"], rules);
  if (o.queue === "none") return;
  const bypass = o.queue === "bypass" ? ["--queue-bypass"] : [];
  for (const tool of ["iptables-nft", "ip6tables-nft"]) {
    for (const dir of ["--dports", "--sports"]) {
      net.run(net.router, tool, ["-t", "mangle", "-A", "FORWARD", "-p", "tcp", "-m", "multiport", dir, "21,6667", "-j", "NFQUEUE", "--queue-num", "0", ...bypass]);
    }
  }
}

interface Daemon {
  readonly proc: ChildProcess;
  readonly out: Lines;
  readonly err: Lines;
}

async function startDaemon(args: string[]): Promise<Daemon> {
  const proc = net.spawn(net.router, process.execPath, [BIN, ...args]);
  background.push(proc);
  daemons.push(proc);
  const d = { proc, out: new Lines(proc.stdout), err: new Lines(proc.stderr) };
  await d.err.waitFor(/serving queue|start failed/, 10_000);
  expect(d.err.lines.join("\n")).not.toMatch(/start failed/);
  return d;
}

async function stopDaemon(d: Daemon): Promise<number | null> {
  d.proc.kill("SIGTERM");
  return exited(d.proc, 10_000);
}

/** lftp downloads data.bin; resolves whether it worked and the file is the server's. */
function lftpGet(passive: boolean, host = SERVER_IP): { ok: boolean; detail: string } {
  const out = join(work, `got-${passive ? "pasv" : "port"}-${Date.now()}.bin`);
  const script = `set net:timeout 2; set net:max-retries 1; set net:reconnect-interval-base 1; set ftp:passive-mode ${passive ? "on" : "off"}; get data.bin -o ${out}; bye`;
  const r = net.try(net.client, "lftp", ["-e", script, `ftp://${host.includes(":") ? `[${host}]` : host}`], 30_000);
  const got = existsSync(out) ? readFileSync(out) : null;
  const ok = r.status === 0 && got !== null && sha256(got) === fileSha;
  return { ok, detail: `lftp ${passive ? "passive" : "active"} to ${host}: status ${r.status}, ${got ? got.length : "no"} bytes; ${r.stderr.trim()}` };
}

/** The line-driven FTP client of peers/ftp-client.mjs. */
class FtpClient {
  private readonly proc: ChildProcess;
  private readonly out: Lines;
  private n = 0;
  constructor() {
    this.proc = net.spawn(net.client, process.execPath, [join(PEERS, "ftp-client.mjs"), SERVER_IP, String(STEP_MS)]);
    background.push(this.proc);
    this.out = new Lines(this.proc.stdout);
  }
  async step(cmd: string): Promise<Record<string, unknown> & { ok: boolean }> {
    this.proc.stdin!.write(cmd + "\n");
    const line = await this.out.waitFor(/^\{/, STEP_MS * 5, this.n);
    this.n = this.out.lines.indexOf(line) + 1;
    return JSON.parse(line) as Record<string, unknown> & { ok: boolean };
  }
  close(): void {
    this.proc.stdin!.end();
    this.proc.kill();
  }
}

/** One IRC DCC SEND from the client, fetched by the server-side peer. */
function ircDcc(): { ok: boolean; detail: string } {
  const r = net.try(net.client, process.execPath, [join(PEERS, "irc-peer.mjs"), "client", SERVER_IP, String(STEP_MS)], 20_000);
  const line = r.stdout.trim().split("\n").pop() ?? "";
  try {
    const o = JSON.parse(line) as { ok: boolean };
    return { ok: o.ok, detail: line };
  } catch {
    return { ok: false, detail: `${r.stdout} ${r.stderr}` };
  }
}

function stats(d: Daemon, from: number): Promise<Record<string, any>> {
  return d.err.waitFor(/ stats \{/, 5000, from).then((l) => JSON.parse(l.slice(l.indexOf("{"))) as Record<string, any>);
}

describe.skipIf(why !== null)(`alg-sdk-daemon end to end${why ? ` — skipped: ${why}` : ""}`, () => {
  beforeAll(async () => {
    const missing = missingTools(TOOLS);
    if (missing.length > 0) throw new Error(`missing tools: ${missing.join(", ")} (.ci/run installs them with apt)`);
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npm test does)`);
    net.up();
    mkdirSync(ftpRoot, { recursive: true });
    mkdirSync("/var/run/vsftpd/empty", { recursive: true });
    const data = randomBytes(1 << 20);
    writeFileSync(join(ftpRoot, "data.bin"), data);
    fileSha = sha256(data);
    const conf = join(work, "vsftpd.conf");
    writeFileSync(
      conf,
      [
        "listen=NO", "listen_ipv6=YES", "background=NO", "anonymous_enable=YES", "local_enable=NO", "write_enable=NO",
        `anon_root=${ftpRoot}`, "no_anon_password=YES", "pasv_enable=YES", "port_enable=YES", "connect_from_port_20=NO",
        "seccomp_sandbox=NO", "secure_chroot_dir=/var/run/vsftpd/empty", "xferlog_enable=NO", "",
      ].join("\n"),
    );
    const ftpd = net.spawn(net.server, "vsftpd", [conf]);
    background.push(ftpd);
    const irc = net.spawn(net.server, process.execPath, [join(PEERS, "irc-peer.mjs"), "server", "-", String(STEP_MS)]);
    background.push(irc);
    await new Lines(irc.stdout).waitFor(/listening/, 5000);
    const udp = net.spawn(net.server, process.execPath, [join(PEERS, "udp-peer.mjs"), "server"]);
    background.push(udp);
    await new Lines(udp.stdout).waitFor(/listening/, 5000);
    // vsftpd says nothing when ready: wait until the control port answers (no firewall yet).
    firewall({ standin: false, queue: "none" });
    for (let i = 0; i < 50; i++) {
      if (net.try(net.client, "lftp", ["-e", "set net:timeout 1; set net:max-retries 1; quote NOOP; bye", `ftp://${SERVER_IP}`], 5000).status === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  afterEach(async () => {
    for (const p of daemons) {
      if (p.exitCode === null && p.signalCode === null) {
        p.kill("SIGKILL");
        await exited(p, 5000);
      }
    }
    daemons = [];
  });

  afterAll(() => {
    for (const p of background) if (p.exitCode === null) p.kill("SIGKILL");
    net.down();
    rmSync(work, { recursive: true, force: true });
  });

  it("without the daemon, the control connection is blocked when the queue has no bypass", async () => {
    firewall({ standin: true, queue: "plain" });
    const c = new FtpClient();
    const login = await c.step("login");
    c.close();
    expect(login.ok, JSON.stringify(login)).toBe(false);
  }, 30_000);

  it("without the daemon (queue bypass), control works but active and passive FTP and IRC DCC fail", async () => {
    firewall({ standin: true, queue: "bypass" });
    const c = new FtpClient();
    expect((await c.step("login")).ok).toBe(true);
    expect((await c.step("pasv")).ok).toBe(true);
    const retr = await c.step("retr data.bin");
    expect(retr.ok, JSON.stringify(retr)).toBe(false);
    c.close();
    expect(lftpGet(true).ok).toBe(false);
    expect(lftpGet(false).ok).toBe(false);
    expect(lftpGet(true, SERVER_IP6).ok).toBe(false);
    expect(ircDcc().ok).toBe(false);
  }, 90_000);

  it("with the daemon, active and passive FTP and IRC DCC pass; conntrack shows the daemon's expectations", async () => {
    firewall({ standin: true, queue: "plain" });
    const events = net.spawn(net.router, "conntrack", ["-E", "expect"]);
    background.push(events);
    const ev = new Lines(events.stdout);
    const d = await startDaemon(["--queue", "0", "--helper", "ftp", "--helper", "irc", "--events"]);
    expect(d.err.lines.join("\n")).toMatch(/mode standin/);

    const passive = lftpGet(true);
    expect(passive.ok, passive.detail).toBe(true);
    const active = lftpGet(false);
    expect(active.ok, active.detail).toBe(true);
    // IPv6: EPSV and EPRT, 16-byte tuples and masks in the kernel requests.
    for (const passive6 of [true, false]) {
      const r = lftpGet(passive6, SERVER_IP6);
      expect(r.ok, r.detail).toBe(true);
    }

    // A pending expectation, seen in the kernel's table between PASV and the data connection.
    const c = new FtpClient();
    expect((await c.step("login")).ok).toBe(true);
    const pasv = await c.step("pasv");
    expect(pasv.ok).toBe(true);
    const table = net.run(net.router, "conntrack", ["-L", "expect"]);
    expect(table).toMatch(new RegExp(`src=${CLIENT_IP} dst=${SERVER_IP} sport=0 dport=${pasv.port} .*helper=sane`));
    const retr = await c.step("retr data.bin");
    expect(retr).toMatchObject({ ok: true, sha256: fileSha });
    await c.step("quit");
    c.close();

    const dcc = ircDcc();
    expect(dcc.ok, dcc.detail).toBe(true);

    // spawnSync held the event loop: let the daemon's output catch up.
    await d.out.waitFor(/helper=irc kernel=ok$/, 3000);
    // Every expectation the daemon reports as created is one the kernel announced.
    const created = d.out.lines.filter((l) => l.startsWith("[NEW]") && l.endsWith("kernel=ok"));
    // lftp passive and active over IPv4 and IPv6, the scripted PASV, the DCC offer.
    expect(created.length, d.out.lines.join("\n")).toBe(6);
    expect(created.filter((l) => l.includes("master-dst=fd00:201:2::2"))).toHaveLength(2);
    for (const line of created) {
      const dport = /dport=(\d+) mask-src/.exec(line)![1];
      await ev.waitFor(new RegExp(`\\[NEW\\] .*dport=${dport} mask-src.*helper=sane`), 3000);
    }
    events.kill("SIGTERM");
    const mark = d.err.lines.length;
    d.proc.kill("SIGUSR1");
    const s = await stats(d, mark);
    expect(s.expectations.created).toBe(created.length);
    expect(s.expectations.refused).toBe(0);
    expect(s.verdicts.drop).toBe(0);
    expect(s.verdicts.timeouts).toBe(0);
    expect(await stopDaemon(d)).toBe(0);
  }, 120_000);

  it("without the stand-in kernel helper the kernel refuses the expectations: counted and logged, transfer fails, daemon lives on", async () => {
    firewall({ standin: false, queue: "plain" });
    const d = await startDaemon(["--helper", "ftp", "--events"]);
    const c = new FtpClient();
    expect((await c.step("login")).ok).toBe(true);
    expect((await c.step("pasv")).ok).toBe(true);
    expect((await c.step("retr data.bin")).ok).toBe(false);
    c.close();
    await d.out.waitFor(/kernel=EOPNOTSUPP \(95\)$/, 3000);
    expect(d.err.lines.join("\n")).toMatch(/kernel refused an expectation of ftp: EOPNOTSUPP \(95\) \(the master connection has no kernel helper/);
    const mark = d.err.lines.length;
    d.proc.kill("SIGUSR1");
    const s = await stats(d, mark);
    expect(s.expectations.created).toBe(0);
    expect(s.expectations.refusedBy["EOPNOTSUPP (95)"]).toBeGreaterThan(0);
    expect(await stopDaemon(d)).toBe(0);
  }, 60_000);

  it("a third-party UDP helper loaded by path, then the built-in TFTP helper, with the rules --print-rules prints (UDP stand-in amanda): the answer from a new port passes only with the daemon", async () => {
    const helper = ["--helper-module", join(PEERS, "tftp-like-helper.mjs")];
    const printed = spawnSync(process.execPath, [BIN, ...helper, "--print-rules", "standin"], { encoding: "utf8" });
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/type "amanda" protocol udp/);
    const applyPrinted = () => {
      firewall({ standin: false, queue: "none" });
      net.run(net.router, "nft", ["add", "rule", "inet", "fw", "forward_filter", "udp", "dport", "69", "accept"]);
      net.run(net.router, "sh", ["-e"], printed.stdout);
    };
    const exchange = () => {
      const r = net.try(net.client, process.execPath, [join(PEERS, "udp-peer.mjs"), "client", SERVER_IP, String(STEP_MS)], 15_000);
      return JSON.parse(r.stdout.trim().split("\n").pop() || '{"ok":false}') as { ok: boolean; tries?: number };
    };
    applyPrinted();
    // Without the daemon the queue drops the request (no bypass in the printed rules).
    expect(exchange().ok).toBe(false);
    const d = await startDaemon([...helper, "--events"]);
    // The request is its connection's first packet: the daemon creates the expectation right after
    // the verdict, so the server's quick answer may beat it; the client retransmits, as TFTP does.
    const r = exchange();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    await d.out.waitFor(/^\[NEW\] 300 proto=17 src=10\.201\.2\.2 dst=10\.201\.1\.2 sport=0 .* helper=tftp-like kernel=ok$/, 3000);
    expect(await stopDaemon(d)).toBe(0);
    // The built-in TFTP helper (@alg-sdk/helper-tftp) on the same rules.
    const tftp = await startDaemon(["--helper", "tftp", "--events"]);
    const viaBuiltin = exchange();
    expect(viaBuiltin.ok, JSON.stringify(viaBuiltin)).toBe(true);
    await tftp.out.waitFor(/^\[NEW\] .*proto=17 .* helper=tftp kernel=ok$/, 3000);
    expect(await stopDaemon(tftp)).toBe(0);
  }, 60_000);

  for (const bypass of [true, false]) {
    it(`a daemon killed mid-session (${bypass ? "with" : "without"} queue bypass): ${bypass ? "control goes on, new data connections fail" : "the control connection stalls"}`, async () => {
      firewall({ standin: true, queue: bypass ? "bypass" : "plain" });
      const d = await startDaemon(["--helper", "ftp"]);
      const c = new FtpClient();
      expect((await c.step("login")).ok).toBe(true);
      d.proc.kill("SIGKILL");
      await exited(d.proc, 5000);
      const pasv = await c.step("pasv");
      if (bypass) {
        expect(pasv.ok).toBe(true);
        expect((await c.step("retr data.bin")).ok).toBe(false);
      } else {
        expect(pasv.ok).toBe(false);
      }
      c.close();
    }, 60_000);
  }

  it("a helper that throws: packets pass, errors are counted, the daemon lives on; SIGHUP loads a working helper", async () => {
    firewall({ standin: true, queue: "plain" });
    const config = join(work, "daemon.json");
    const thrower = { module: join(PEERS, "throwing-helper.mjs"), attach: ["tcp/21"] };
    writeFileSync(config, JSON.stringify({ queues: [0], helpers: [thrower], verdicts: "single" }));
    const d = await startDaemon(["--config", config]);
    const c = new FtpClient();
    expect((await c.step("login")).ok).toBe(true);
    expect((await c.step("pasv")).ok).toBe(true);
    expect((await c.step("retr data.bin")).ok).toBe(false);
    c.close();
    let mark = d.err.lines.length;
    d.proc.kill("SIGUSR1");
    const s = await stats(d, mark);
    expect(s.errors.helper).toBeGreaterThan(0);
    expect(s.verdicts.drop).toBe(0);
    expect(d.err.lines.join("\n")).toMatch(/helper thrower threw/);

    writeFileSync(config, JSON.stringify({ queues: [0], helpers: [{ name: "ftp" }], verdicts: "single" }));
    mark = d.err.lines.length;
    d.proc.kill("SIGHUP");
    await d.err.waitFor(/reloaded: helpers ftp/, 5000, mark);
    const passive = lftpGet(true);
    expect(passive.ok, passive.detail).toBe(true);
    mark = d.err.lines.length;
    expect(await stopDaemon(d)).toBe(0);
    expect((await stats(d, mark)).expectations.created).toBeGreaterThan(0);
  }, 90_000);
});
