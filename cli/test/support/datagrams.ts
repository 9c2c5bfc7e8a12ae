
/**
 * Looking at IP datagrams as they left a router: what routing changes
 * (TTL / hop limit) set aside, and every checksum checked.
 */

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

/**
 * The datagram in hex with the TTL (IPv4) or hop limit (IPv6) and the IPv4
 * header checksum blanked: forwarding decrements the one and so changes the
 * other, which is routing, not NAT. The checksum is checked on its own
 * ({@link checksumProblems}), so a wrong one is still caught.
 */
export function withoutRouting(datagram: Uint8Array): string {
  const b = Uint8Array.from(datagram);
  if (b[0]! >> 4 === 4) {
    b[8] = 0;
    b[10] = 0;
    b[11] = 0;
  } else if (b[0]! >> 4 === 6) {
    b[7] = 0;
  }
  return toHex(b);
}

export { checksumProblems } from "@alg-sdk/testing";
