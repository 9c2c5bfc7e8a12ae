// A third-party UDP helper for the end-to-end test, loaded by path with
// --helper-module: on a request to udp/69 (any payload starting with opcode
// 1 or 2, as TFTP's RRQ and WRQ) it expects a UDP flow from the server, any
// source port, back to the client's port (nf_conntrack_tftp's rule). Plain
// JavaScript on core's helper API v2 (onPacket, ctx.expect).
export default function tftpLikeHelper(options = {}) {
  return {
    apiVersion: 2,
    name: options.name ?? "tftp-like",
    policies: [{ name: "tftp", maxExpected: 1, timeout: 300 }],
    attach: [{ protocol: "udp", port: 69 }],
    onPacket(ctx) {
      if (ctx.direction !== 0 || ctx.payloadLength < 2) return;
      const opcode = (ctx.bytes[ctx.payloadOffset] << 8) | ctx.bytes[ctx.payloadOffset + 1];
      if (opcode !== 1 && opcode !== 2) return;
      ctx.expect({ protocol: 17, src: ctx.dst, dst: ctx.src, dstPort: ctx.srcPort });
    },
  };
}
