/**
 * The parts of a v86 emulator a serial console uses: the `serial0-output-byte`
 * event and `serial0_send`, both v86's public API.
 */
export interface V86Serial {
  add_listener(event: "serial0-output-byte", listener: (byte: number) => void): void;
  serial0_send(text: string): void;
}

/** The host's timers (every runtime v86 runs in has them; the package is built without DOM or Node types). */
const timers = globalThis as unknown as {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
};

interface Waiter {
  readonly re: RegExp;
  readonly from: number;
  readonly resolve: (m: RegExpMatchArray) => void;
}

/**
 * Drives a guest's shell on its first serial port: sends commands, waits for
 * text, and collects everything the guest printed. Works in Node and in
 * browsers (it uses only the emulator's events and timers).
 *
 * @example
 * ```ts no-run
 * import { SerialConsole } from "@alg-sdk/v86";
 * declare const emulator: import("@alg-sdk/v86").V86Serial;
 * const shell = new SerialConsole(emulator, "client");
 * await shell.waitFor(/# $/m, 60_000);
 * const { code, output } = await shell.run("ip addr");
 * ```
 */
export class SerialConsole {
  /** Everything the serial port printed so far. */
  output = "";
  private seq = 0;
  private waiters: Waiter[] = [];

  /** @param name - used in timeout messages. */
  constructor(
    private readonly emulator: V86Serial,
    readonly name: string,
  ) {
    emulator.add_listener("serial0-output-byte", (b: number) => {
      this.output += String.fromCharCode(b);
      if (b === 10) this.check();
    });
  }

  /**
   * Resolves when `re` matches the output after position `from`; rejects
   * after `timeoutMs` with the console's last lines in the message.
   */
  waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const w: Waiter = { re, from, resolve: (m) => (timers.clearTimeout(timer), resolve(m)) };
      const timer = timers.setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`${this.name}: no ${re} within ${timeoutMs} ms; console tail:\n${this.output.slice(-1500)}`));
      }, timeoutMs);
      this.waiters.push(w);
      this.check();
    });
  }

  /**
   * Runs a shell command (a POSIX shell must be reading the port); resolves
   * with its exit status and what it printed, once a marker echoed after it
   * appears.
   */
  async run(command: string, timeoutMs = 30_000): Promise<{ code: number; output: string }> {
    const n = ++this.seq;
    const from = this.output.length;
    this.emulator.serial0_send(`${command}; echo "@@done ${n} $?"\n`);
    const m = await this.waitFor(new RegExp(`@@done ${n} (\\d+)`), timeoutMs, from);
    return { code: Number(m[1]), output: this.output.slice(from, from + m.index!) };
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      const m = this.output.slice(w.from).match(w.re);
      if (m) w.resolve(m);
      return !m;
    });
  }
}
