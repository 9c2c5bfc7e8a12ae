import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const TOPOLOGY = fileURLToPath(new URL("./topology.sh", import.meta.url));

/** Why the end-to-end test cannot run here (not root, no namespaces), or null. */
export function unavailable(): string | null {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "not root (network namespaces and NFQUEUE need root)";
  const probe = `algd-probe-${process.pid}`;
  const r = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8" });
  if (r.status !== 0) return `network namespaces unavailable: ${(r.stderr || r.error?.message || "ip netns add failed").trim()}`;
  spawnSync("ip", ["netns", "del", probe]);
  return null;
}

/** Tools the test runs; missing ones fail the test (CI installs them in .ci/run). */
export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
}

/** The three namespaces of topology.sh. */
export class Topology {
  readonly client: string;
  readonly router: string;
  readonly server: string;
  static readonly CLIENT_IP = "10.201.1.2";
  static readonly SERVER_IP = "10.201.2.2";
  static readonly SERVER_IP6 = "fd00:201:2::2";

  constructor(readonly prefix: string) {
    this.client = `${prefix}-c`;
    this.router = `${prefix}-r`;
    this.server = `${prefix}-s`;
  }

  up(): void {
    execFileSync("bash", [TOPOLOGY, "up", this.prefix], { stdio: "pipe" });
  }

  down(): void {
    spawnSync("bash", [TOPOLOGY, "down", this.prefix]);
  }

  /** Runs a command in a namespace and returns its stdout; throws with stderr when it fails. */
  run(ns: string, cmd: string, args: readonly string[], input?: string): string {
    return execFileSync("ip", ["netns", "exec", ns, cmd, ...args], { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
  }

  /** Runs a command with a time limit; never throws. */
  try(ns: string, cmd: string, args: readonly string[], timeoutMs: number): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync("ip", ["netns", "exec", ns, cmd, ...args], { encoding: "utf8", timeout: timeoutMs });
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  }

  /** Starts a long-running process in a namespace (`ip netns exec` execs it: the pid is the process's). */
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess {
    return spawn("ip", ["netns", "exec", ns, cmd, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  }
}

/** Collects a child's output lines and waits for one that matches. */
export class Lines {
  readonly lines: string[] = [];
  private waiters: { re: RegExp; from: number; resolve: (l: string) => void }[] = [];
  private partial = "";

  constructor(stream: NodeJS.ReadableStream | null) {
    stream?.setEncoding?.("utf8");
    stream?.on("data", (chunk: string) => {
      this.partial += chunk;
      let nl;
      while ((nl = this.partial.indexOf("\n")) >= 0) {
        const line = this.partial.slice(0, nl);
        this.partial = this.partial.slice(nl + 1);
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => {
          if (!w.re.test(line)) return true;
          w.resolve(line);
          return false;
        });
      }
    });
  }

  /** The first line from index `from` on that matches, waiting at most `ms`. */
  waitFor(re: RegExp, ms: number, from = 0): Promise<string> {
    const seen = this.lines.slice(from).find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms; got:\n${this.lines.join("\n")}`)), ms);
      this.waiters.push({
        re,
        from,
        resolve: (l) => {
          clearTimeout(t);
          resolve(l);
        },
      });
    });
  }
}

/** Waits for a child to exit, at most `ms`; resolves its exit code (null when it had to be killed). */
export function exited(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, ms);
    child.once("exit", (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}
