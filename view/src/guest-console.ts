/** Drives a v86 guest's serial console as the Node harness does: send a command, wait for its marker. */
export class GuestConsole {
  output = "";
  private seq = 0;
  private waiters: { re: RegExp; from: number; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor(readonly emulator: any, readonly name: string) {
    emulator.add_listener("serial0-output-byte", (b: number) => {
      this.output += String.fromCharCode(b);
      if (b === 10) this.check();
    });
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      const m = this.output.slice(w.from).match(w.re);
      if (m) w.resolve(m);
      return !m;
    });
  }

  waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const w = { re, from, resolve: (m: RegExpMatchArray) => (clearTimeout(timer), resolve(m)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`${this.name}: no ${re} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
      this.check();
    });
  }

  async run(command: string, timeoutMs = 30_000): Promise<{ code: number; output: string }> {
    const n = ++this.seq;
    const from = this.output.length;
    this.emulator.serial0_send(`${command}; echo "@@done ${n} $?"\n`);
    const m = await this.waitFor(new RegExp(`@@done ${n} (\\d+)`), timeoutMs, from);
    return { code: Number(m[1]), output: this.output.slice(from, from + m.index!) };
  }
}
