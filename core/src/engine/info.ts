import type { ExpectationEnd } from "../expect/registry.js";

/** A connection tuple in printable form (slow path: events, tables, the public API). */
export interface TupleInfo {
  readonly family: 4 | 6;
  /** Protocol number and name ("tcp", "udp", "icmp", …). */
  readonly protocol: number;
  readonly protocolName: string;
  readonly src: string;
  readonly dst: string;
  /** Ports for TCP/UDP/UDP-Lite; 0 otherwise. */
  readonly srcPort: number;
  readonly dstPort: number;
  /** For ICMP and ICMPv6 queries: type, code and identifier. */
  readonly icmp?: { readonly type: number; readonly code: number; readonly id: number };
  /**
   * Keys that are not ports, as `conntrack -L` prints them (GRE:
   * `srckey=0x4001 dstkey=0x8001`; the numbers are `srcPort`, `dstPort`);
   * `""` for a protocol without keys to print.
   */
  readonly keyText?: string;
}

/** A snapshot of one connection, as `conntrack -L` shows it. */
export interface ConnectionInfo {
  readonly id: number;
  /** Table slot (reused after the connection dies; `id` is not). */
  readonly slot: number;
  readonly zone: number;
  readonly original: TupleInfo;
  readonly reply: TupleInfo;
  /** Protocol state name (TCP: "ESTABLISHED", "TIME_WAIT", …), or "". */
  readonly protocolState: string;
  /** `Status` bits. */
  readonly status: number;
  readonly expected: boolean;
  readonly seenReply: boolean;
  readonly assured: boolean;
  readonly confirmed: boolean;
  /** Seconds left before it expires. */
  readonly timeout: number;
  readonly mark: number;
  readonly helper: string | null;
  /** The master connection of an expected connection, if it still exists. */
  readonly master: { readonly id: number; readonly original: TupleInfo } | null;
  /** Time of its first packet. */
  readonly created: number;
}

/** A snapshot of one pending expectation, as `conntrack -L expect` shows it. */
export interface ExpectationInfo {
  readonly id: number;
  /** The expected connection's original tuple; wildcard parts are 0 / "0.0.0.0" / "::". */
  readonly tuple: TupleInfo;
  /** Which parts must match: all ones where exact, zero where any. */
  readonly mask: { readonly src: string; readonly srcPort: number; readonly dst: string; readonly dstPort: number };
  readonly master: { readonly id: number; readonly original: TupleInfo } | null;
  readonly helper: string;
  readonly class: number;
  readonly className: string;
  readonly flags: number;
  /** Seconds left (at the time of the snapshot). */
  readonly timeout: number;
  readonly created: number;
  readonly zone: number;
}

/** Why a connection left the table. */
export type ConnectionEnd = "timeout" | "early-drop" | "killed" | "reopened" | "flushed";

/** Everything the engine reports as it happens (`conntrack -E` style). */
export type EngineEvent =
  | { readonly type: "conn-new"; readonly ts: number; readonly connection: ConnectionInfo }
  | { readonly type: "conn-update"; readonly ts: number; readonly connection: ConnectionInfo }
  | { readonly type: "conn-destroy"; readonly ts: number; readonly connection: ConnectionInfo; readonly reason: ConnectionEnd }
  | { readonly type: "expect-new"; readonly ts: number; readonly expectation: ExpectationInfo }
  | {
      readonly type: "expect-destroy";
      readonly ts: number;
      readonly expectation: ExpectationInfo;
      readonly reason: ExpectationEnd;
    }
  | {
      /** A helper replaced bytes of a packet's payload (NAT: an FTP PORT or IRC DCC address rewritten). */
      readonly type: "payload-rewrite";
      readonly ts: number;
      readonly connectionId: number;
      readonly helper: string;
      /** Direction of the rewritten packet. */
      readonly direction: 0 | 1;
      /** TCP sequence number of the packet as it arrived (0 for other protocols). */
      readonly seq: number;
      /** Offset of the replaced bytes in the transport payload. */
      readonly offset: number;
      /** The replaced bytes and their replacement, as Latin-1 text. */
      readonly before: string;
      readonly after: string;
    }
  | {
      readonly type: "helper-error";
      readonly ts: number;
      readonly helper: string;
      readonly connectionId: number;
      readonly error: unknown;
    }
  | {
      /** A helper's message on its logger (`ctx.log`), or the engine's note about a helper's request it refused. */
      readonly type: "helper-log";
      readonly ts: number;
      readonly helper: string;
      /** The connection the hook ran for, 0 when none. */
      readonly connectionId: number;
      readonly level: "debug" | "info" | "warn";
      readonly message: string;
      readonly detail: unknown;
    };

export type EngineEventListener = (event: EngineEvent) => void;
