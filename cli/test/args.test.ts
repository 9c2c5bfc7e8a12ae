import { describe, expect, it } from "vitest";
import { parseCommandLine, type CliOptions } from "../src/args.js";
import { UsageError } from "../src/errors.js";
import { parseHelperSpec } from "../src/helpers/spec.js";
import { checkHelperNames } from "../src/helpers/load.js";
import { parseTimeouts } from "../src/timeouts.js";

function options(...argv: string[]): CliOptions {
  const cl = parseCommandLine(argv);
  if (cl.kind !== "run") throw new Error(`not a run: ${cl.kind}`);
  return cl.options;
}

function usageError(...argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("no error");
}

describe("command line", () => {
  it("has Linux's defaults", () => {
    const o = options("replay", "a.pcap");
    expect(o).toMatchObject({
      command: "replay",
      capture: "a.pcap",
      labels: null,
      format: "human",
      helpers: null,
      zone: 0,
      tcp: { loose: true, beLiberal: false },
      timeouts: {},
      rules: null,
      write: null,
      emitBytes: false,
      helperModules: [],
      progress: "auto",
      packets: true,
      tables: true,
      tableLimit: 1000,
      worker: "auto",
    });
    expect(o.switches).toEqual({
      ftpLoose: false,
      ftpStream: false,
      ftpPartial: undefined,
      ircIpv6: false,
      ircStream: false,
      ircLinesOnly: false,
      icmpAntiSpoofing: true,
    });
    expect("maxConnections" in o).toBe(false);
    // Absent, so the engine draws a random seed and keeps no per-source limit; input is waited for.
    expect("hashSeed" in o).toBe(false);
    expect("maxExpectationsPerSource" in o).toBe(false);
    expect("inputTimeout" in o).toBe(false);
  });

  it("reads every option", () => {
    const o = options(
      "verify", "t.pcap", "l.jsonl",
      "--format", "json", "--helper", "ftp:tcp/2121", "--helper", "irc:tcp/6660-6669", "--helper", "icmp",
      "--ftp-loose", "--ftp-stream", "--ftp-partial", "accept", "--irc-ipv6", "--irc-stream", "--icmp-no-anti-spoofing",
      "--zone", "7", "--no-tcp-loose", "--tcp-be-liberal", "--tcp-max-retrans", "5",
      "--timeout", "tcp-established=3600", "--timeout", "udp-unreplied=10",
      "--max-connections", "1000", "--max-expectations", "10", "--rules", "fw.rules",
      "--hash-seed", "4294967295", "--max-expectations-per-source", "64", "--input-timeout", "30", "--irc-lines-only",
      "--no-progress", "--no-packets", "--tables", "--table-limit", "0", "--no-worker",
      "--write", "out.pcap", "--helper-module", "./tftp.js", "--helper-options", '{"ports":[6969]}',
    );
    expect(o).toMatchObject({
      command: "verify",
      capture: "t.pcap",
      labels: "l.jsonl",
      format: "json",
      helpers: [
        { name: "ftp", attach: { protocol: "tcp", port: 2121 } },
        { name: "irc", attach: { protocol: "tcp", port: [6660, 6669] } },
        { name: "icmp", attach: null },
      ],
      switches: { ftpLoose: true, ftpStream: true, ftpPartial: "accept", ircIpv6: true, ircStream: true, ircLinesOnly: true, icmpAntiSpoofing: false },
      zone: 7,
      tcp: { loose: false, beLiberal: true, maxRetrans: 5 },
      timeouts: { tcpEstablished: 3600, udpUnreplied: 10 },
      maxConnections: 1000,
      maxExpectations: 10,
      maxExpectationsPerSource: 64,
      hashSeed: 4294967295,
      inputTimeout: 30,
      rules: "fw.rules",
      write: "out.pcap",
      emitBytes: false,
      helperModules: [{ module: "./tftp.js", exportName: null, options: { ports: [6969] } }],
      progress: "never",
      packets: false,
      tables: true,
      tableLimit: 0,
      worker: "never",
    });
  });

  it("picks defaults per command and format", () => {
    expect(options("watch")).toMatchObject({ capture: null, packets: false, tables: false });
    expect(options("watch", "--format", "jsonl")).toMatchObject({ packets: true, tables: false });
    expect(options("replay", "x", "--format", "jsonl")).toMatchObject({ packets: true, tables: false });
    expect(options("replay", "x", "-f", "json")).toMatchObject({ format: "json", tables: false });
    expect(options("replay", "x", "--no-helpers").helpers).toEqual([]);
    expect(options("replay", "x", "--progress").progress).toBe("always");
    expect(options("replay", "x", "-f", "jsonl", "--emit-bytes").emitBytes).toBe(true);
    expect(usageError("replay", "x", "--emit-bytes")).toBe("--emit-bytes adds the datagram to the packet lines of --format jsonl; the human format has none");
    expect(usageError("replay", "x", "-f", "json", "--emit-bytes")).toMatch(/the json format has none$/);
  });

  it("answers --help and --version", () => {
    expect(parseCommandLine([])).toEqual({ kind: "help", command: null });
    expect(parseCommandLine(["--help"])).toEqual({ kind: "help", command: null });
    expect(parseCommandLine(["replay", "-h"])).toEqual({ kind: "help", command: "replay" });
    expect(parseCommandLine(["-V"])).toEqual({ kind: "version" });
  });

  it("rejects malformed command lines with one clear sentence", () => {
    expect(usageError("replay", "x", "--frobnicate")).toBe("unknown option --frobnicate (see alg-sdk --help)");
    expect(usageError("replay", "x", "--ftp-looose")).toBe("unknown option --ftp-looose, did you mean --ftp-loose? (see alg-sdk --help)");
    expect(usageError("replay", "x", "--format")).toBe("option --format needs a value");
    expect(usageError("replay", "x", "--progress=yes")).toBe("option --progress does not take a value");
    expect(usageError("replay", "x", "--format", "xml")).toBe('--format must be one of human, jsonl, json, not "xml"');
    expect(usageError("replay", "x", "--zone", "-1")).toBe('option --zone needs a value (for one starting with "-", write --zone=VALUE)');
    expect(usageError("replay", "x", "--zone=-1")).toBe('--zone expects an integer from 0 to 65535, not "-1"');
    expect(usageError("replay", "x", "--max-connections", "1e3")).toBe('--max-connections expects an integer from 1 to 67108864, not "1e3"');
    expect(usageError("replay", "x", "--max-connections", "0")).toMatch(/^--max-connections expects an integer from 1/);
    expect(usageError("replay", "x", "--hash-seed", "4294967296")).toBe('--hash-seed expects an integer from 0 to 4294967295, not "4294967296"');
    expect(usageError("replay", "x", "--input-timeout", "0")).toMatch(/^--input-timeout expects an integer from 1 to 86400/);
    expect(usageError("replay", "x", "--helper", "ftp", "--no-helpers")).toBe("--helper and --no-helpers contradict each other");
    expect(usageError("replay", "x", "--progress", "--no-progress")).toBe("--progress and --no-progress contradict each other");
    expect(usageError("replay", "x", "--ftp-partial", "maybe")).toBe('--ftp-partial must be one of drop, accept, not "maybe"');
    expect(usageError("replay")).toBe("replay needs <capture>: alg-sdk replay <capture> [options]");
    expect(usageError("verify", "a")).toBe("verify needs <capture> <labels.jsonl>: alg-sdk verify <capture> <labels.jsonl> [options]");
    expect(usageError("watch", "a")).toBe('watch takes no file; unexpected "a"');
    expect(usageError("replay", "a", "b")).toBe('replay takes <capture>; unexpected "b"');
    expect(usageError("replya", "a")).toBe('unknown command "replya" (commands: replay, verify, watch; see alg-sdk --help)');
  });
});

describe("--helper specs", () => {
  it("parses NAME[:PROTO/PORT[-PORT]]", () => {
    expect(parseHelperSpec("ftp")).toEqual({ name: "ftp", attach: null });
    expect(parseHelperSpec("FTP:TCP/21")).toEqual({ name: "ftp", attach: { protocol: "tcp", port: 21 } });
    expect(parseHelperSpec("irc:tcp/6660-6669")).toEqual({ name: "irc", attach: { protocol: "tcp", port: [6660, 6669] } });
    expect(parseHelperSpec("x:udp/5-5")).toEqual({ name: "x", attach: { protocol: "udp", port: 5 } });
  });

  it("rejects malformed specs and unknown names", () => {
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(message(() => parseHelperSpec("ftp:21"))).toBe('--helper "ftp:21": expected NAME or NAME:PROTO/PORT[-PORT], e.g. ftp or ftp:tcp/2121');
    expect(message(() => parseHelperSpec("ftp:sctp/21"))).toBe('--helper "ftp:sctp/21": protocol must be tcp, udp or udplite, not "sctp"');
    expect(message(() => parseHelperSpec("ftp:tcp/0"))).toBe('--helper "ftp:tcp/0": port 0 is not between 1 and 65535');
    expect(message(() => parseHelperSpec("ftp:tcp/30-20"))).toBe('--helper "ftp:tcp/30-20": port range 30-20 is backwards');
    expect(message(() => checkHelperNames([{ name: "ftpp", attach: null }]))).toBe('unknown helper "ftpp" (known helpers: ftp, irc, tftp, sip, pptp, icmp)');
  });
});

describe("--timeout", () => {
  it("maps sysctl-style names to the engine's timeouts", () => {
    expect(parseTimeouts(["tcp-time-wait=30", "icmpv6=5", "generic=1.5"])).toEqual({ tcpTimeWait: 30, icmpv6: 5, generic: 1.5 });
  });

  it("rejects unknown names and bad values", () => {
    expect(() => parseTimeouts(["tcp-foo=1"])).toThrow(/unknown timeout "tcp-foo" \(known: tcp-syn-sent, /);
    expect(() => parseTimeouts(["tcp-established"])).toThrow("--timeout \"tcp-established\": expected NAME=SECONDS, e.g. tcp-established=3600");
    expect(() => parseTimeouts(["udp-replied=0"])).toThrow('--timeout udp-replied: "0" is not a positive number of seconds');
  });
});
