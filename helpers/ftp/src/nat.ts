import { FtpCommandKind } from "./command.js";

/**
 * How Linux's nf_nat_ftp writes a rewritten command (`nf_nat_ftp_fmt_cmd`):
 * PORT and 227 as six decimal numbers, EPRT with the address in dotted
 * (`|1|`) or fully expanded, uncompressed IPv6 form (`|2|`, the kernel's
 * `%pI6`: eight groups of four hex digits), and 229 with the port only.
 * The text replaces the numbers the grammar matched, delimiters included.
 */
export function formatFtpNumbers(kind: FtpCommandKind, family: number, address: ArrayLike<number>, port: number): string {
  switch (kind) {
    case FtpCommandKind.PORT:
    case FtpCommandKind.PASV: {
      const a = address[0]! >>> 0;
      return `${a >>> 24},${(a >>> 16) & 255},${(a >>> 8) & 255},${a & 255},${port >>> 8},${port & 255}`;
    }
    case FtpCommandKind.EPRT:
      return family === 4 ? `|1|${dotted(address[0]!)}|${port}|` : `|2|${expandedIpv6(address)}|${port}|`;
    case FtpCommandKind.EPSV:
      return `|||${port}|`;
    default:
      return "";
  }
}

function dotted(w: number): string {
  const a = w >>> 0;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

function expandedIpv6(words: ArrayLike<number>): string {
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) {
    const w = words[i]! >>> 0;
    groups.push((w >>> 16).toString(16).padStart(4, "0"), (w & 0xffff).toString(16).padStart(4, "0"));
  }
  return groups.join(":");
}
