/** TCP flag letters and their bits in byte 13 of the header. */
const FLAG_BITS: Readonly<Record<string, number>> = {
  F: 0x01,
  S: 0x02,
  R: 0x04,
  P: 0x08,
  A: 0x10,
  U: 0x20,
  E: 0x40,
  C: 0x80,
};

/**
 * TCP flags as letters, the way tcpdump and the conformance labels print
 * them: F(IN) S(YN) R(ST) P(SH) A(CK) U(RG) E(CE) C(WR), in any order and
 * case ("S", "SA", "PA", "FA", "R", "RA"); or the raw byte.
 */
export type TcpFlagsInput = string | number;

/** Turns {@link TcpFlagsInput} into the flags byte. @throws TypeError on an unknown letter. */
export function tcpFlagBits(flags: TcpFlagsInput): number {
  if (typeof flags === "number") return flags & 0xff;
  let bits = 0;
  for (const ch of flags.toUpperCase()) {
    const bit = FLAG_BITS[ch];
    if (bit === undefined) throw new TypeError(`unknown TCP flag "${ch}" in "${flags}" (use F S R P A U E C)`);
    bits |= bit;
  }
  return bits;
}

/** The flags byte as letters in the order the conformance labels use ("SA", "PA", "FA", "FPA"). */
export function tcpFlagLetters(bits: number): string {
  let s = "";
  for (const ch of "FSRPAUEC") if ((bits & FLAG_BITS[ch]!) !== 0) s += ch;
  return s;
}
