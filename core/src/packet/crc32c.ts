/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * SCTP (RFC 9260 appendix A; Linux's `sctp_compute_cksum`). Table-driven,
 * one table built at load; computing allocates nothing.
 */
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  TABLE[n] = c >>> 0;
}

/**
 * CRC-32C of `b[start, end)`, reading the four bytes at `zeroAt` as zero
 * (where the packet's own checksum sits; -1: none). SCTP sends the result
 * least significant byte first.
 */
export function crc32c(b: Uint8Array, start: number, end: number, zeroAt = -1): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) {
    const byte = i >= zeroAt && i < zeroAt + 4 ? 0 : b[i]!;
    crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}
