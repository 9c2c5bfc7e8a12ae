import { HelperVerdict, IpProto, PacketState, defineHelper, sameAddress } from "@alg-sdk/core";
import type { Helper, PacketContext } from "@alg-sdk/core";
import { LineReassembler, type LineHandler } from "@alg-sdk/core/payload";
import { FtpCommand, FtpMatch } from "./command.js";
import { parseFtpCommand } from "./grammar.js";
import { formatFtpNumbers } from "./nat.js";
import { ftpRules, type FtpOptions } from "./options.js";
import { FtpState } from "./state.js";

const NL = 0x0a;

/** Expectation class 0, as Linux's ftp helper: one pending per control connection, five minutes. */
const FTP_POLICY = { name: "ftp", maxExpected: 1, timeout: 300 } as const;

type Ctx = PacketContext<FtpState, undefined>;

/**
 * Creates the FTP helper.
 *
 * Default mode reproduces Linux's nf_conntrack_ftp: on ESTABLISHED packets
 * with payload it looks, at the first byte of a segment that starts a line,
 * for PORT / EPRT from the client and 227 / 229 from the server, and expects
 * the data connection they announce: from the other side, any source port,
 * to where the other side sees the announcing side (the reverse tuple's
 * destination), at the announced port, TCP.
 *
 * @example
 * ```ts
 * import { createEngine } from "@alg-sdk/core";
 * import { ftpHelper } from "@alg-sdk/helper-ftp";
 *
 * const engine = createEngine({ helpers: [ftpHelper()] }); // attached to tcp/21
 * const custom = createEngine({
 *   helpers: [ftpHelper({ stream: true })],
 *   attach: [{ protocol: "tcp", port: 2121, helper: "ftp" }],
 * });
 * ```
 */
export function ftpHelper(options: FtpOptions = {}): Helper<FtpState, undefined> {
  const loose = options.loose === true;
  const lenient = options.onPartialMatch === "accept";
  const stream = options.stream ? new LineReassembler(options.stream === true ? {} : options.stream, lenient) : null;
  const cmd = new FtpCommand();

  /**
   * Registers the expectation for a parsed command (`help()` after the
   * match); on a translated connection also rewrites the command as
   * nf_nat_ftp does. `at` is where the parsed text starts in the payload,
   * or -1 when it is not in this packet (a line reassembled from earlier
   * segments). Returns the packet's verdict.
   */
  function expectData(ctx: Ctx, at: number): HelperVerdict {
    const conn = ctx.connection;
    const dir = ctx.direction;
    const sender = conn.tuple(dir);
    const other = conn.tuple(dir === 0 ? 1 : 0);
    // The expected connection comes from the other side, to where the other side sees us.
    let dst: ArrayLike<number> = other.dst;
    if (!sameAddress(cmd.address, sender.src)) {
      // Announced address is not the sender's: accept the packet, open nothing (unless loose).
      if (!loose) return HelperVerdict.ACCEPT;
      dst = cmd.address;
    }
    if (!ctx.translated) {
      const r = ctx.expect({ class: 0, protocol: "tcp", src: other.src, srcPort: null, dst, dstPort: cmd.port });
      // Linux drops the packet when the expectation cannot be registered (busy, limit reached, …).
      return r.ok ? HelperVerdict.ACCEPT : HelperVerdict.DROP;
    }
    // nf_nat_ftp: the command must name where the other side sees us, at a port that is free there.
    if (at < 0) {
      ctx.log.warn("command split across segments on a translated connection: it cannot be rewritten, nothing expected");
      return HelperVerdict.ACCEPT;
    }
    const r = ctx.expect({ class: 0, protocol: "tcp", src: other.src, srcPort: null, dst, dstPort: cmd.port, searchPort: true });
    if (!r.ok) return HelperVerdict.DROP;
    const text = formatFtpNumbers(cmd.kind, ctx.family, other.dst, r.expectation.tuple.dstPort);
    if (!ctx.rewrite(at + cmd.numberOffset, cmd.numberLength, text)) {
      r.expectation.remove();
      return HelperVerdict.DROP;
    }
    return HelperVerdict.ACCEPT;
  }

  /** Stream mode's per-line step; `ctx` is the packet being fed. */
  const lines: LineHandler & { ctx: Ctx | null } = {
    ctx: null,
    line(buf, start, end) {
      const ctx = this.ctx!;
      const r = parseFtpCommand(buf, start, end, ctx.direction, ctx.family, ctx.connection.tuple(ctx.direction).src, cmd);
      // A line inside this packet can be rewritten; one assembled from earlier segments cannot.
      const inPacket = buf === ctx.bytes && start >= ctx.payloadOffset && end <= ctx.payloadOffset + ctx.payloadLength;
      if (r === FtpMatch.FOUND) return expectData(ctx, inPacket ? start - ctx.payloadOffset : -1);
      return r === FtpMatch.PARTIAL ? HelperVerdict.PARTIAL : HelperVerdict.ACCEPT;
    },
  };

  /** Linux's help(): one segment, parsed only if it starts a line. */
  function linuxMode(ctx: Ctx): HelperVerdict {
    const len = ctx.payloadLength;
    if (ctx.state !== PacketState.ESTABLISHED || len === 0) return HelperVerdict.ACCEPT;
    const b = ctx.bytes;
    const start = ctx.payloadOffset;
    const end = start + len;
    const dir = ctx.direction;
    const tracker = ctx.data.lines;
    const endsLine = b[end - 1] === NL;
    const after = (ctx.tcpSeq + len) >>> 0;
    let verdict: HelperVerdict = HelperVerdict.ACCEPT;
    if (tracker.startsLine(dir, ctx.tcpSeq)) {
      const r = parseFtpCommand(b, start, end, dir, ctx.family, ctx.connection.tuple(dir).src, cmd);
      if (r === FtpMatch.PARTIAL) {
        // Linux drops and forgets this segment, so its retransmission is parsed again.
        if (!lenient) return HelperVerdict.PARTIAL;
        verdict = HelperVerdict.PARTIAL;
      } else if (r === FtpMatch.FOUND) verdict = expectData(ctx, 0);
    }
    if (endsLine) tracker.lineEndsBefore(dir, after);
    return verdict;
  }

  function streamMode(ctx: Ctx, reassembler: LineReassembler): HelperVerdict {
    lines.ctx = ctx;
    try {
      const parse = ctx.state === PacketState.ESTABLISHED;
      return reassembler.segment(ctx.data.stream(ctx.direction), ctx.tcpFlags, ctx.tcpSeq, ctx.bytes, ctx.payloadOffset, ctx.payloadLength, parse, lines);
    } finally {
      lines.ctx = null; // the engine reuses the context object
    }
  }

  return defineHelper<FtpState, undefined>({
    name: "ftp",
    policies: [FTP_POLICY],
    attach: ftpRules(options.ports),
    onPartialMatch: lenient ? "accept" : "drop",
    createState: () => new FtpState(),
    onPacket(ctx) {
      if (ctx.protocol !== IpProto.TCP) return HelperVerdict.ACCEPT;
      return stream ? streamMode(ctx, stream) : linuxMode(ctx);
    },
  });
}
