import { ExpectResult, HelperVerdict, IpProto, PacketState, TcpFlag } from "@alg-sdk/core";
import type { ExpectationRequest, Helper, HelperContext } from "@alg-sdk/core";
import { FtpCommand, FtpMatch } from "./command.js";
import { parseFtpCommand } from "./grammar.js";
import { ftpRules, type FtpOptions } from "./options.js";
import { FtpState } from "./state.js";
import { StreamReassembler, type LineHandler } from "./stream.js";

const NL = 0x0a;

/** Expectation class 0, as Linux's ftp helper: one pending per control connection, five minutes. */
const FTP_POLICY = { name: "ftp", maxExpected: 1, timeout: 300 } as const;

/**
 * Creates the FTP helper.
 *
 * Default mode reproduces Linux's nf_conntrack_ftp: on ESTABLISHED packets
 * with payload it looks, at the first byte of a segment that starts a line,
 * for PORT / EPRT from the client and 227 / 229 from the server, and expects
 * the data connection they announce: from the other side's address, any
 * source port, to the announced address and port, TCP.
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
export function ftpHelper(options: FtpOptions = {}): Helper<FtpState> {
  const loose = options.loose === true;
  const lenient = options.onPartialMatch === "accept";
  const stream = options.stream ? new StreamReassembler(options.stream === true ? {} : options.stream, lenient) : null;
  const cmd = new FtpCommand();

  /** Registers the expectation for a parsed command; returns the packet's verdict. */
  function expectData(ctx: HelperContext<FtpState>): HelperVerdict {
    const a = cmd.address;
    const s = ctx.src;
    if (!loose && (a[0] !== s[0] || a[1] !== s[1] || a[2] !== s[2] || a[3] !== s[3])) {
      // Announced address is not the sender's: accept the packet, open nothing.
      return HelperVerdict.ACCEPT;
    }
    const request: ExpectationRequest = {
      class: 0,
      protocol: IpProto.TCP,
      src: ctx.dst,
      srcPort: null,
      dst: a,
      dstPort: cmd.port,
    };
    // Linux drops the packet when the expectation cannot be registered (BUSY, limit reached, …).
    return ctx.expect(request) < ExpectResult.CREATED ? HelperVerdict.DROP : HelperVerdict.ACCEPT;
  }

  /** Stream mode's per-line step; `ctx` is the packet being fed. */
  const lines: LineHandler & { ctx: HelperContext<FtpState> | null } = {
    ctx: null,
    line(buf, start, end) {
      const ctx = this.ctx!;
      const r = parseFtpCommand(buf, start, end, ctx.direction, ctx.family, ctx.src, cmd);
      if (r === FtpMatch.FOUND) return expectData(ctx);
      return r === FtpMatch.PARTIAL ? HelperVerdict.PARTIAL : HelperVerdict.ACCEPT;
    },
  };

  /** Linux's help(): one segment, parsed only if it starts a line. */
  function linuxMode(ctx: HelperContext<FtpState>): HelperVerdict {
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
      const r = parseFtpCommand(b, start, end, dir, ctx.family, ctx.src, cmd);
      if (r === FtpMatch.PARTIAL) {
        // Linux drops and forgets this segment, so its retransmission is parsed again.
        if (!lenient) return HelperVerdict.PARTIAL;
        verdict = HelperVerdict.PARTIAL;
      } else if (r === FtpMatch.FOUND) verdict = expectData(ctx);
    }
    if (endsLine) tracker.lineEndsBefore(dir, after);
    return verdict;
  }

  function streamMode(ctx: HelperContext<FtpState>, reassembler: StreamReassembler): HelperVerdict {
    const st = ctx.data.stream(ctx.direction);
    if ((ctx.tcpFlags & TcpFlag.SYN) !== 0) {
      // The first SYN fixes where the stream starts; a duplicate arriving late must not rewind it.
      if (!st.synced) st.startAt((ctx.tcpSeq + 1) >>> 0);
      return HelperVerdict.ACCEPT;
    }
    if (ctx.payloadLength === 0) return HelperVerdict.ACCEPT;
    lines.ctx = ctx;
    try {
      return reassembler.feed(st, ctx.tcpSeq, ctx.bytes, ctx.payloadOffset, ctx.payloadLength, ctx.state === PacketState.ESTABLISHED, lines);
    } finally {
      lines.ctx = null; // the engine reuses the context object
    }
  }

  return {
    name: "ftp",
    policies: [FTP_POLICY],
    defaultRules: ftpRules(options.ports),
    onPartialMatch: lenient ? "accept" : "drop",
    createState: () => new FtpState(),
    onPacket(ctx) {
      if (ctx.protocol !== IpProto.TCP) return HelperVerdict.ACCEPT;
      return stream ? streamMode(ctx, stream) : linuxMode(ctx);
    },
  };
}
