import type { Command } from "./args.js";
import { DEFAULT_HELPERS, HELPER_NAMES } from "./helpers/load.js";
import { timeoutNames } from "./timeouts.js";

const COMMAND_HELP: Readonly<Record<Command, string>> = {
  replay: `alg-sdk replay <capture> [options]
  Runs every packet of a pcap or pcapng file (- for standard input) through
  the connection-tracking engine and prints one line per packet, the
  connection and expectation tables (conntrack -L, conntrack -L expect) and
  totals. With --rules, the engine also runs a ruleset: NAT (dnat/snat) and
  a stateful filter; --write saves the packets as they leave.`,
  verify: `alg-sdk verify <capture> <labels.jsonl> [options]
  Replays the capture and compares every packet's state, direction and
  EXPECTED status with a labels file (one JSON object per line with index,
  label, ct_dir, ct_expected). Exit status 1 if any packet disagrees.`,
  watch: `alg-sdk watch [options] < live.pcap
  Reads a live pcap stream on standard input (tcpdump -U -w - -i eth0 |
  alg-sdk watch), prints connection and expectation events as they happen
  (conntrack -E style), and the totals when the stream ends or on Ctrl-C.`,
};

/** The text of `alg-sdk --help` (or `alg-sdk <command> --help`). */
export function usage(command: Command | null): string {
  const commands = command === null ? Object.values(COMMAND_HELP) : [COMMAND_HELP[command]];
  return `${command === null ? "alg-sdk: Linux-style connection tracking and ALG helpers, over captures\n\n" : ""}${commands.join("\n\n")}

Output
  -f, --format human|jsonl|json  human (default): aligned lines and tables;
                                 jsonl: one JSON object per packet and event;
                                 json: one summary document at the end
  --no-packets                   no per-packet lines (replay); --packets: add them (watch)
  --no-tables                    no connection/expectation tables at the end
  --emit-bytes                   jsonl: add "out", the IP datagram as it leaves
                                 (hex; null when dropped or held)
  --write FILE                   write every packet as it leaves (NAT applied,
                                 dropped ones omitted) to a raw-IP pcap file
  --progress, --no-progress      force the progress bar on/off (default: only
                                 when stderr is a terminal)

Helpers (default: ${DEFAULT_HELPERS.join(", ")}; known: ${HELPER_NAMES.join(", ")})
  --helper NAME[:PROTO/PORT[-PORT]]
                                 use this helper (repeatable; replaces the
                                 default set), optionally attached to PROTO/PORT
                                 instead of its usual port: --helper ftp:tcp/2121
  --no-helpers                   no helpers at all (but those of --helper-module)
  --helper-module MODULE[#EXPORT]
                                 load a third-party helper: a package name or a
                                 path whose default (or only) export is a
                                 helper or a factory; repeatable
  --helper-options JSON          options for the factory of the --helper-module
                                 just before: --helper-options '{"ports":[6969]}'
  --tracker-module MODULE[#EXPORT]
                                 load a third-party protocol tracker (it takes
                                 its protocol numbers over); repeatable
  --tracker-options JSON         options for the factory of the --tracker-module
                                 just before
  --ftp-loose                    ftp: expect data connections even to an address
                                 other than the sender's (Linux's loose=1)
  --ftp-stream                   ftp: reassemble the control stream, so commands
                                 split across TCP segments are seen
  --ftp-partial drop|accept      ftp: a packet ending inside a command is dropped
                                 (drop, Linux's behaviour) or accepted
  --irc-ipv6                     irc: also track IRC over IPv6
  --irc-stream                   irc: find DCC offers split across TCP segments
  --irc-lines-only               irc: stream mode, offers only at line starts
                                 (not Linux: closes mid-line slipstreaming)
  --icmp-no-anti-spoofing        icmp: relate errors even if addressed elsewhere

Tracking (Linux's sysctls)
  --zone N                       conntrack zone of every packet (default 0)
  --no-tcp-loose                 nf_conntrack_tcp_loose=0: no pickup of connections in the middle
  --tcp-be-liberal               nf_conntrack_tcp_be_liberal=1: no window checks
  --tcp-max-retrans N            nf_conntrack_tcp_max_retrans (default 3)
  --checksums                    nf_conntrack_checksum=1: bad IPv4 header dropped, bad TCP/UDP/ICMP checksum INVALID
  --timeout NAME=SECONDS         repeatable; NAME is a --tracker-module tracker's
                                 timeout or one of
                                 ${wrap(timeoutNames().map((t) => t.name), 33, 46)}
  --max-connections N            nf_conntrack_max (default 262144)
  --max-expectations N           nf_conntrack_expect_max (default 4096)
  --max-expectations-per-source N
                                 not Linux: most pending expectations one
                                 client address may hold (default: no limit)
  --hash-seed N                  seed of the hashes and NAT's random choices
                                 (default: random, as Linux); for reproducible runs

Input
  --input-timeout SECONDS        replay, verify: give up when a FIFO or standard
                                 input delivers nothing for this long (default:
                                 wait, with a notice on stderr after 5 s)

Rules (NAT and firewall)
  --rules FILE                   run an nft-style ruleset in the engine
                                 (grammar: docs/cli.md), e.g.
                                   ip daddr 10.0.1.200 tcp dport 21 dnat to 10.0.2.2
                                   ip saddr 10.0.1.0/24 snat to 10.0.2.100
                                   policy drop
                                   ct state established,related accept
                                   ct state new tcp dport 21 accept

  -h, --help                     this text;  -V, --version  the version

Exit status: 0 fine, 1 verify found disagreements, 2 bad command line or
rules file, 3 missing/damaged/truncated capture or bad labels, 4 internal.
`;
}

function wrap(words: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line !== "" && line.length + 2 + w.length > width) {
      lines.push(`${line},`);
      line = w;
    } else line = line === "" ? w : `${line}, ${w}`;
  }
  lines.push(line);
  return lines.join(`\n${" ".repeat(indent)}`);
}
