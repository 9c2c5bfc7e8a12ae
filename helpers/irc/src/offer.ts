/**
 * Where a DCC offer asks to be reached. The scanner fills one reused
 * instance, so finding an offer allocates nothing.
 */
export class DccOffer {
  /** Address family of `address`. */
  family: 4 | 6 = 4;
  /** Address words in network order (IPv4 in word 0, the other words 0). */
  readonly address = new Uint32Array(4);
  /** TCP port, 1 to 65535 once the offer is accepted. */
  port = 0;
  /** Where the address text starts and the port text ends, in the scanned buffer (what NAT rewrites). */
  textStart = 0;
  textEnd = 0;

  /** True when `other` asks for the same address and port. */
  sameTarget(other: DccOffer): boolean {
    const a = this.address;
    const b = other.address;
    return this.family === other.family && this.port === other.port && a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
  }

  /** Copies `other`'s target into this one. */
  copyTarget(other: DccOffer): void {
    this.family = other.family;
    this.port = other.port;
    this.address.set(other.address);
  }
}
