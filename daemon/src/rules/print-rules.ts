import type { HelperAttachment } from "@alg-sdk/core";

/** Where one helper attaches, for the rules. */
export interface RuleAttachment {
  readonly helper: string;
  readonly protocol: "tcp" | "udp" | "udplite";
  readonly lo: number;
  readonly hi: number;
}

/**
 * Stand-in kernel helpers per protocol (stand-in mode): kernel helpers whose
 * parsers ignore ordinary traffic. `sane` acts only on an 8-byte binary
 * SANE_NET_START request; `amanda` only on "CONNECT" lines of Amanda replies.
 */
const STANDIN: Record<string, string> = { tcp: "sane", udp: "amanda", udplite: "amanda" };

const PROTOCOL_NAMES: Record<number, "tcp" | "udp" | "udplite"> = { 6: "tcp", 17: "udp", 136: "udplite" };
const KNOWN_NAMES: ReadonlySet<string> = new Set(["tcp", "udp", "udplite"]);

/** The engine's attach rules in the form the printed rules need (unknown protocols are left out). */
export function ruleAttachments(attach: readonly HelperAttachment[]): RuleAttachment[] {
  const out: RuleAttachment[] = [];
  for (const a of attach) {
    const protocol = typeof a.protocol === "number" ? PROTOCOL_NAMES[a.protocol] : KNOWN_NAMES.has(a.protocol) ? (a.protocol as RuleAttachment["protocol"]) : undefined;
    if (!protocol) continue;
    const [lo, hi] = a.port === undefined ? [1, 65535] : typeof a.port === "number" ? [a.port, a.port] : [a.port[0], a.port[1]];
    out.push({ helper: a.helper, protocol, lo, hi });
  }
  return out;
}

const nftPort = (a: RuleAttachment) => (a.lo === a.hi ? `${a.lo}` : `${a.lo}-${a.hi}`);
const iptPort = (a: RuleAttachment) => (a.lo === a.hi ? `${a.lo}` : `${a.lo}:${a.hi}`);
const nftSet = (ports: string[]) => (ports.length === 1 ? ports[0]! : `{ ${ports.join(", ")} }`);

/** `--queue-num N`, or `--queue-balance A:B` for contiguous queues. */
function queueTarget(queues: readonly number[]): string {
  const sorted = [...queues].sort((a, b) => a - b);
  const contiguous = sorted.every((q, i) => i === 0 || q === sorted[i - 1]! + 1);
  if (sorted.length > 1 && contiguous) return `--queue-balance ${sorted[0]}:${sorted[sorted.length - 1]}`;
  return `--queue-num ${sorted[0]}`;
}

function nftTable(body: string[]): string {
  return ["nft -f - <<'EOF'", "table inet alg_sdk {", ...body, "}", "EOF"].join("\n");
}

/** Chains that give new connections to the attach points their kernel helper (prerouting: forwarded and incoming; output: local clients). */
function assignChains(lines: (hook: string) => string[]): string[] {
  const chain = (name: string, hook: string) => [
    `  chain ${name} {`,
    `    type filter hook ${hook} priority filter; policy accept;`,
    ...lines(hook).map((l) => `    ${l}`),
    "  }",
  ];
  return [...chain("prerouting", "prerouting"), ...chain("output", "output")];
}

/**
 * Rules for stand-in mode: a stand-in kernel helper on each attach point (so
 * the kernel accepts EXP_NEW for those masters) and the NFQUEUE rules that
 * hand both directions to the daemon, for IPv4 and IPv6.
 */
export function standinRules(attach: readonly RuleAttachment[], queues: readonly number[]): string {
  const protocols = [...new Set(attach.map((a) => a.protocol))];
  const body: string[] = [];
  for (const p of protocols) body.push(`  ct helper standin_${p} { type "${STANDIN[p]}" protocol ${p === "udplite" ? "udplite" : p}; l3proto inet; }`);
  body.push(
    ...assignChains(() =>
      protocols.map((p) => `${p} dport ${nftSet(attach.filter((a) => a.protocol === p).map(nftPort))} ct state new ct helper set "standin_${p}"`),
    ),
  );
  const target = queueTarget(queues);
  const queueLines: string[] = [];
  for (const p of protocols) {
    const ports = attach.filter((a) => a.protocol === p).map(iptPort).join(",");
    for (const dir of ["--dports", "--sports"]) queueLines.push(`  $ipt -t mangle -A FORWARD -p ${p} -m multiport ${dir} ${ports} -j NFQUEUE ${target}`);
  }
  return [
    `# alg-sdk-daemon, stand-in mode: ${describe(attach)}.`,
    "# Your own filter must still accept `ct state established,related` and the control ports;",
    "# add --queue-bypass to the NFQUEUE rules to let control traffic pass while the daemon is down",
    "# (docs/daemon.md, Robustness). For the router's own connections use OUTPUT and INPUT instead of FORWARD.",
    nftTable(body),
    "for ipt in iptables-nft ip6tables-nft; do",
    ...queueLines,
    "done",
    "",
  ].join("\n");
}

/**
 * Rules for cthelper mode: ct helper objects of the daemon's user-space
 * helpers (registered as PREFIX + name) on each attach point. No queue rule:
 * the kernel queues those connections itself. Load after the daemon started.
 */
export function cthelperRules(attach: readonly RuleAttachment[], prefix: string): string {
  const helpers = [...new Set(attach.map((a) => `${a.helper}/${a.protocol}`))];
  const body: string[] = [];
  for (const key of helpers) {
    const [helper, protocol] = key.split("/") as [string, string];
    body.push(`  ct helper ${helper}_${protocol} { type "${`${prefix}${helper}`.slice(0, 15)}" protocol ${protocol}; l3proto inet; }`);
  }
  body.push(
    ...assignChains(() => attach.map((a) => `${a.protocol} dport ${nftPort(a)} ct state new ct helper set "${a.helper}_${a.protocol}"`)),
  );
  return [
    `# alg-sdk-daemon, cthelper mode: ${describe(attach)}.`,
    "# Load after the daemon has registered its user-space helpers. Your own filter must still",
    "# accept `ct state established,related` and the control ports.",
    nftTable(body),
    "",
  ].join("\n");
}

function describe(attach: readonly RuleAttachment[]): string {
  return attach.map((a) => `${a.helper} on ${a.protocol}/${a.lo === a.hi ? a.lo : `${a.lo}-${a.hi}`}`).join(", ");
}
