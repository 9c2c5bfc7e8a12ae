import { readFileSync } from "node:fs";
import { tcp } from "@alg-sdk/testing";

/**
 * The few names documentation samples may use without defining them: the
 * datagram a program received, its time, the text of a rules file... A
 * sample stays a short fragment, and is still compiled against these types
 * and run with these values. Nothing else is predefined: a sample that
 * needs more defines it.
 */
export const declarations = `
/** An IP datagram (IPv4 or IPv6), starting at its IP header. */
declare const ipDatagram: Uint8Array;
/** The same, under the other name samples use. */
declare const datagram: Uint8Array;
/** The datagram's time, in seconds. */
declare const timestampSeconds: number;
declare const seconds: number;
/** The text of a rules file. */
declare const text: string;
/** Sends a datagram on. */
declare function send(datagram: Uint8Array): void;
/** A capture file's bytes (pcap or pcapng). */
declare const bytes: Uint8Array;
/** A capture arriving in chunks, as from a stream. */
declare const source: AsyncIterable<Uint8Array>;
/** Does something with a capture record. */
declare function handle(record: import("@alg-sdk/pcap").CaptureRecord): void;
`;

/** The values the samples run with: a SYN, the bundled FTP capture, examples/firewall.rules. */
export function values(root: string): Record<string, unknown> {
  const syn = tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 21, flags: "S", seq: 1 });
  const capture = new Uint8Array(readFileSync(`${root}/examples/captures/ftp-active-passive.pcap`));
  return {
    ipDatagram: syn,
    datagram: syn,
    timestampSeconds: 1,
    seconds: 1,
    text: readFileSync(`${root}/examples/firewall.rules`, "utf8"),
    send: () => {},
    bytes: capture,
    source: (async function* () {
      for (let o = 0; o < capture.length; o += 4096) yield capture.subarray(o, o + 4096);
    })(),
    handle: () => {},
  };
}
