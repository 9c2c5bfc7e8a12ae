/**
 * The parts of a v86 emulator (npm `v86`, pinned at 0.5.462) the adapter
 * uses. `add_listener` / `remove_listener` and the `net0-send` event are
 * v86's public API; `bus.send("net0-receive", frame)` is internal: it is
 * how v86's own network backends hand a frame to the emulated NIC (ne2k or
 * virtio-net), and the d.ts does not declare it. A v86 upgrade must be
 * checked against this (docs/emulator.md lists what to check).
 */
export interface V86Emulator {
  add_listener(event: string, listener: (argument: any) => void): void;
  remove_listener(event: string, listener: (argument: any) => void): void;
  readonly bus: { send(event: string, value: unknown): void };
}

/** Event names of NIC number `nic` (v86 names them net0-…, net1-…). */
export function nicEvents(nic: number): { send: string; receive: string } {
  return { send: `net${nic}-send`, receive: `net${nic}-receive` };
}

/** The emulator has what the adapter needs (checked once, so a v86 change fails loudly at connect time). */
export function assertV86Emulator(e: unknown): asserts e is V86Emulator {
  const x = e as Partial<V86Emulator> | null;
  if (!x || typeof x.add_listener !== "function" || typeof x.remove_listener !== "function" || !x.bus || typeof x.bus.send !== "function") {
    throw new TypeError("not a v86 emulator: add_listener, remove_listener and bus.send are needed (see @alg-sdk/v86's README)");
  }
}
