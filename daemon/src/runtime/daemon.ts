import { performance } from "node:perf_hooks";
import { kernelExpectation } from "../bridge/expectation-request.js";
import { encodeHelperDelete, encodeHelperNew } from "../cthelper/messages.js";
import { HELPER_NAME_MAX } from "../cthelper/constants.js";
import type { KernelExpectationRequest } from "../ctnetlink/expect.js";
import type { DaemonConfig } from "../config/types.js";
import { Family } from "../netlink/constants.js";
import { Errno, errnoName } from "../netlink/error.js";
import { NfqCfgFlag } from "../nfqueue/constants.js";
import type { QueuedPacket } from "../nfqueue/packet.js";
import { KernelExpectations } from "../kernel/expectations.js";
import { probeCthelper, probeQueueConntrack, type KernelCapabilities } from "../kernel/probe.js";
import { RequestChannel } from "../transport/requests.js";
import { openNetfilterSocket, type NetlinkSocket } from "../transport/socket.js";
import { Counters } from "./counters.js";
import { formatExpectEvent } from "./expect-format.js";
import type { Logger } from "./log.js";
import { PacketProcessor } from "./packet-processor.js";
import { buildPlugins, pluginNames, type Plugins } from "./plugins.js";
import { QueueWorker } from "./queue-worker.js";
import type { VerdictSequencer } from "./verdict-sequencer.js";

/** Timeout of start-up and shutdown requests (bind, probe, register). */
const CONTROL_TIMEOUT_MS = 2000;
/** Scratch queue for the conntrack-attribute probe: the top of the range, unlikely to be in use. */
const PROBE_QUEUE = 65535;
const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, udplite: 136 };

/** The mode the daemon runs in, as reported at start. */
export type ActiveMode = "cthelper" | "standin";

/** A registered user-space helper, to delete at exit. */
interface Registration {
  readonly name: string;
  readonly l3: number;
  readonly l4: number;
}

/** Opens sockets; replaceable so tests can count what a daemon sends. */
export type SocketFactory = () => NetlinkSocket;

/**
 * The daemon: one engine with the configured helpers, one worker per
 * queue, one ctnetlink channel for expectations. Every kernel answer is
 * counted and logged; nothing the kernel sends ends the process.
 */
export class Daemon {
  readonly counters = new Counters();
  private config!: DaemonConfig;
  private plugins!: Plugins;
  private processor!: PacketProcessor;
  private ctSocket!: NetlinkSocket;
  private channel!: RequestChannel;
  private kernel!: KernelExpectations;
  private workers: QueueWorker[] = [];
  private registrations: Registration[] = [];
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private stopping = false;
  capabilities: KernelCapabilities | null = null;
  mode: ActiveMode = "standin";

  constructor(
    private readonly log: Logger,
    private readonly out: (line: string) => void = (l) => process.stdout.write(l + "\n"),
    private readonly openSocket: SocketFactory = () => openNetfilterSocket(),
  ) {}

  /** Probes the kernel, registers helpers (cthelper mode), binds the queues. Throws on a start-up failure. */
  async start(config: DaemonConfig): Promise<void> {
    this.config = config;
    this.log.level = config.logLevel;
    this.use(await buildPlugins(config));

    this.ctSocket = this.openSocket();
    this.channel = new RequestChannel((d) => this.ctSocket.send(d));
    this.ctSocket.onDatagram((d) => this.channel.receive(d));
    this.ctSocket.onError((code) => {
      this.counters.netlinkErrors++;
      this.log.limited("warn", `ct-${code}`, `ctnetlink socket error ${code}`);
    });
    this.kernel = new KernelExpectations(this.channel, Math.max(1000, config.verdictTimeoutMs * 4));

    const cth = await probeCthelper(this.channel, CONTROL_TIMEOUT_MS);
    if (cth.errno === Errno.EPERM) throw new Error(`${cth.detail} (run it as root, or give it the capability: see docs/daemon.md, Security)`);
    const qct = await probeQueueConntrack(this.channel, PROBE_QUEUE, CONTROL_TIMEOUT_MS);
    this.capabilities = { cthelper: cth.ok, cthelperDetail: cth.detail, queueConntrack: qct.ok, queueConntrackDetail: qct.detail };
    this.log.info(`kernel: ${cth.detail}`);
    this.log.info(`kernel: ${qct.detail}`);
    if (config.mode === "cthelper" && !cth.ok) throw new Error(`--mode cthelper: ${cth.detail}`);
    this.mode = config.mode === "standin" || !cth.ok ? "standin" : "cthelper";
    if (this.mode === "cthelper") await this.registerHelpers();
    this.log.info(this.modeReport());

    const flags = (config.failOpen ? NfqCfgFlag.FAIL_OPEN : 0) | (qct.ok ? NfqCfgFlag.CONNTRACK : 0);
    const mask = NfqCfgFlag.FAIL_OPEN | (qct.ok ? NfqCfgFlag.CONNTRACK : 0);
    for (const queue of config.queues) {
      const worker = new QueueWorker(
        { queue, maxLen: config.queueMaxLen, flags, flagsMask: mask, batch: config.verdicts === "batch", verdictBoundMs: config.verdictTimeoutMs },
        this.openSocket(),
        this.counters,
        this.log,
        (p, seqr) => this.handlePacket(p, seqr),
      );
      const err = await worker.bind(CONTROL_TIMEOUT_MS);
      if (err) {
        worker.close();
        throw new Error(err);
      }
      this.workers.push(worker);
    }
    this.log.info(
      `serving queue(s) ${config.queues.join(", ")} with ${pluginNames(this.plugins)}; verdicts ${config.verdicts}` +
        `${config.failOpen ? ", fail-open" : ""}, bound ${config.verdictTimeoutMs} ms`,
    );
    this.setStatsInterval(config.statsIntervalSec);
  }

  /** One line saying what the kernel mode means for the firewall rules. */
  modeReport(): string {
    if (this.mode === "cthelper") {
      const names = this.registrations.map((r) => r.name).filter((n, i, a) => a.indexOf(n) === i);
      return `mode cthelper: user-space helper(s) ${names.join(", ")} registered on queue ${this.config.queues[0]}; attach them with nft ct helper objects of those types`;
    }
    return "mode standin: nfnetlink_cthelper not used; give master connections a stand-in kernel helper (nft ct helper type \"sane\") so EXP_NEW is accepted, and queue their packets with an NFQUEUE rule (docs/daemon.md)";
  }

  /** Serves packets with these plugins' engine from now on. */
  private use(plugins: Plugins): void {
    this.plugins = plugins;
    this.processor?.close();
    this.processor = new PacketProcessor(plugins.engine, () => performance.now() / 1000, this.config.zone, (e) => {
      this.log.limited("warn", `helper-error-${e.helper}`, `helper ${e.helper} threw on connection ${e.connectionId}: ${String(e.error)}; packet accepted`);
    });
  }

  private handlePacket(p: QueuedPacket, sequencer: VerdictSequencer): void {
    const outcome = this.processor.process(p);
    this.counters.helperErrors += outcome.helperErrors;
    for (const { expectation, reason } of outcome.removed) {
      const req = kernelExpectation(expectation, this.processor.kernelTuple(expectation.master?.id ?? 0));
      if (!req) continue;
      void this.kernel.remove(req.tuple, req.zone).then((errno) => {
        // ENOENT: the kernel had already let it go (matched, timed out, evicted by its own policy).
        if (errno === 0 || errno === 2) this.counters.expectationsRemoved++;
        else {
          this.counters.removalsFailed++;
          this.log.limited("warn", `remove-${errno}`, `expectation removal (${reason}) refused: ${errnoName(errno)}`);
        }
        if (this.config.events) this.out(formatExpectEvent("DESTROY", req, expectation.helper, errno === 0 ? "ok" : errnoName(errno)));
      });
    }
    if (outcome.created.length === 0) {
      sequencer.ready(p.id, outcome.verdict);
      return;
    }
    const requests: { req: KernelExpectationRequest; helper: string }[] = [];
    for (const e of outcome.created) {
      const req = kernelExpectation(e, this.processor.kernelTuple(e.master?.id ?? outcome.connectionId));
      if (req) requests.push({ req, helper: e.helper });
      else this.counters.expectationsUntranslatable++;
    }
    const createAll = () => Promise.all(requests.map(({ req, helper }) => this.kernel.create(req).then((errno) => this.reportCreate(req, helper, errno))));
    if (outcome.newConnection) {
      // The packet that asked is its connection's first (a TFTP request, say): the kernel
      // confirms that conntrack only when the packet leaves, so EXP_NEW before the verdict would
      // find no master (ENOENT). Create the expectations right after the verdict instead; an
      // answer quicker than that meets no expectation and is dropped (the client retries).
      sequencer.ready(p.id, outcome.verdict, () => void createAll());
      return;
    }
    sequencer.after(p.id, outcome.verdict, createAll());
  }

  private reportCreate(req: KernelExpectationRequest, helper: string, errno: number): void {
    if (errno === 0) this.counters.expectationsCreated++;
    else {
      this.counters.refused(errnoName(errno));
      const hint = errno === 95 ? " (the master connection has no kernel helper: see docs/daemon.md, stand-in helper)" : errno === 2 ? " (no such master conntrack: NAT before the queue?)" : "";
      this.log.limited("warn", `refused-${errno}`, `kernel refused an expectation of ${helper}: ${errnoName(errno)}${hint}`);
    }
    if (this.config.events) this.out(formatExpectEvent("NEW", req, helper, errno === 0 ? "ok" : errnoName(errno)));
  }

  private async registerHelpers(): Promise<void> {
    for (const f of this.plugins.helperSet.facts) {
      const name = `${this.config.userspaceHelperPrefix}${f.name}`.slice(0, HELPER_NAME_MAX);
      const l4s = new Set(this.plugins.helperSet.attach.filter((a) => a.helper === f.name).map((a) => (typeof a.protocol === "number" ? a.protocol : PROTOCOLS[a.protocol] ?? 6)));
      for (const l4 of l4s) {
        for (const l3 of [Family.INET, Family.INET6]) {
          const seq = this.channel.nextSeq();
          const policies = f.policies.slice(0, 4).map((p) => ({ name: p.name.slice(0, HELPER_NAME_MAX), maxExpected: p.maxExpected, timeout: p.timeout }));
          const a = await this.channel.request(encodeHelperNew({ name, l3, l4, queue: this.config.queues[0]!, policies }, seq), seq, CONTROL_TIMEOUT_MS);
          if (a.errno !== 0) throw new Error(`registering user-space helper ${name} (l3 ${l3}, l4 ${l4}): ${errnoName(a.errno)}`);
          this.registrations.push({ name, l3, l4 });
        }
      }
    }
  }

  /** Prints the counters as one JSON line on stderr. */
  reportStats(): void {
    this.log.info(`stats ${JSON.stringify({ mode: this.mode, connections: this.plugins.engine.connectionCount, ...this.counters.snapshot() })}`);
  }

  private setStatsInterval(seconds: number): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = seconds > 0 ? setInterval(() => this.reportStats(), seconds * 1000) : null;
    this.statsTimer?.unref();
  }

  /**
   * Applies a new configuration (SIGHUP). Changed helpers or trackers get a
   * new engine (all of them built again, so no plugin instance serves two
   * engines): connections already open are picked up again mid-stream, as
   * Linux's TCP tracker does. Queue changes need a restart. A configuration
   * that cannot be built changes nothing.
   */
  async reload(next: DaemonConfig): Promise<void> {
    const pluginsChanged = JSON.stringify([next.helpers, next.trackers]) !== JSON.stringify([this.config.helpers, this.config.trackers]);
    if (JSON.stringify(next.queues) !== JSON.stringify(this.config.queues) || next.verdicts !== this.config.verdicts || next.failOpen !== this.config.failOpen) {
      this.log.warn("reload: queue, verdict and fail-open settings take effect on restart only");
    }
    const plugins = pluginsChanged ? await buildPlugins(next) : null;
    if (plugins !== null && this.mode === "cthelper") this.log.warn("reload: user-space helper registrations are kept as they were at start");
    this.config = { ...next, queues: this.config.queues, verdicts: this.config.verdicts, failOpen: this.config.failOpen };
    this.log.level = next.logLevel;
    if (plugins !== null) this.use(plugins);
    this.setStatsInterval(next.statsIntervalSec);
    this.log.info(`reloaded: helpers ${pluginNames(this.plugins)}${plugins !== null ? " (new engine)" : " (unchanged)"}`);
  }

  /**
   * SIGTERM: keep serving until no packet is waiting and none came for a
   * moment (at most drainMs), then unbind (the kernel drops what is still
   * queued, or lets it pass with --queue-bypass once nobody is bound).
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = Date.now() + this.config.drainMs;
    while (Date.now() < deadline) {
      const now = Date.now();
      const busy = this.workers.some((w) => w.sequencer.pending > 0 || w.idleMs(now) < 100);
      if (!busy) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const w of this.workers) w.sequencer.flush();
    for (const w of this.workers) await w.unbind(CONTROL_TIMEOUT_MS);
    for (const r of this.registrations) {
      const seq = this.channel.nextSeq();
      const a = await this.channel.request(encodeHelperDelete(r.name, r.l3, r.l4, seq), seq, CONTROL_TIMEOUT_MS);
      if (a.errno !== 0) this.log.warn(`could not delete user-space helper ${r.name}: ${errnoName(a.errno)}`);
    }
    this.setStatsInterval(0);
    this.reportStats();
    for (const w of this.workers) w.close();
    this.channel.abortAll(125);
    this.ctSocket.close();
    this.processor.close();
  }
}
