/** The protocol words of the rules language and their numbers. */

export interface ProtocolWord {
  readonly number: number;
  /** The protocol has `sport` / `dport` in this language (and a NAT target may give it a port). */
  readonly ports: boolean;
}

export const PROTOCOLS: Readonly<Record<string, ProtocolWord>> = {
  tcp: { number: 6, ports: true },
  udp: { number: 17, ports: true },
  udplite: { number: 136, ports: true },
  icmp: { number: 1, ports: false },
  icmpv6: { number: 58, ports: false },
  sctp: { number: 132, ports: false },
  gre: { number: 47, ports: false },
  esp: { number: 50, ports: false },
  ah: { number: 51, ports: false },
};

export const PROTOCOL_WORDS: readonly string[] = Object.keys(PROTOCOLS);

/** Protocol numbers whose ports the rules can match and translate: tcp, udp, udplite. */
export const PORTED = new Set([6, 17, 136]);

/** `tcp` for 6, or the number itself for a protocol without a word. */
export function protocolText(n: number): string {
  for (const w of PROTOCOL_WORDS) if (PROTOCOLS[w]!.number === n) return w;
  return String(n);
}
