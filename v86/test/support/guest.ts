// Node-only harness: boots a v86 guest from the cached image and drives its
// serial console (the guest's /init runs a shell there).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { V86 } from "v86";
import { SerialConsole, type V86Serial } from "@alg-sdk/v86";

const v86Dir = dirname(createRequire(import.meta.url).resolve("v86"));

export interface GuestSpec {
  readonly name: string;
  readonly imageDir: string;
  /** Appended to the kernel command line: `role=… addr=… gw=…`. */
  readonly args: string;
  readonly memoryMb?: number;
}

function file(dir: string, name: string): { buffer: ArrayBuffer } {
  const b = readFileSync(join(dir, name));
  return { buffer: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
}

export class Guest {
  readonly emulator: InstanceType<typeof V86>;
  /** The guest's shell on its serial port. */
  readonly console: SerialConsole;

  constructor(readonly spec: GuestSpec) {
    this.emulator = new V86({
      wasm_path: join(v86Dir, "v86.wasm"),
      memory_size: (spec.memoryMb ?? 128) * 1024 * 1024,
      vga_memory_size: 2 * 1024 * 1024,
      bios: file(spec.imageDir, "bios.bin"),
      vga_bios: file(spec.imageDir, "vgabios.bin"),
      bzimage: file(spec.imageDir, "bzImage"),
      initrd: file(spec.imageDir, "initrd.gz"),
      cmdline: `${JSON.parse(readFileSync(join(spec.imageDir, "manifest.json"), "utf8")).cmdline} ${spec.args}`,
      autostart: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
      net_device: { type: "ne2k" },
    } as ConstructorParameters<typeof V86>[0]);
    this.console = new SerialConsole(this.emulator as unknown as V86Serial, spec.name);
  }

  /** Everything the serial console printed. */
  get output(): string {
    return this.console.output;
  }

  /** Resolves when `re` appears in the output after position `from`. */
  waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    return this.console.waitFor(re, timeoutMs, from);
  }

  /** Runs a shell command on the guest; resolves with its exit code and what it printed. */
  run(command: string, timeoutMs = 30_000): Promise<{ code: number; output: string }> {
    return this.console.run(command, timeoutMs);
  }

  async destroy(): Promise<void> {
    await this.emulator.destroy();
  }
}
