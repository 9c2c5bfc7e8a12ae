import type { Gateway } from "@alg-sdk/vnet";
import type { V86Emulator } from "./v86-internals.js";
import { assertV86Emulator, nicEvents } from "./v86-internals.js";

// In every runtime v86 runs in (browsers, Node >= 12), but not in the ES2022 library types.
declare function queueMicrotask(callback: () => void): void;

export interface ConnectOptions {
  /** NIC number in the emulator (v86's `net0`, `net1`, …). Default 0. */
  readonly nic?: number;
  /**
   * Deliver Ethernet multicast frames (IPv6 neighbour solicitations, …) to
   * the broadcast address instead. v86 0.5.462's ne2k accepts multicast
   * only in promiscuous mode, so a guest on it never hears the gateway's
   * solicitations; on the broadcast address it does, and its kernel still
   * sees the IPv6 multicast destination. Default true (harmless for
   * virtio-net, which accepts both).
   */
  readonly multicastAsBroadcast?: boolean;
  /**
   * Most frames waiting for the guest. v86 hands a frame to its NIC at once
   * and the NIC's own ring is small, so the adapter queues; past this the
   * oldest frame is dropped, as a full NIC ring would. Default 256.
   */
  readonly maxQueued?: number;
}

/** A live link between one v86 NIC and one gateway interface. */
export interface V86Link {
  /** Frames the guest sent / the gateway sent to the guest / dropped because the queue was full. */
  readonly counters: { fromGuest: number; toGuest: number; queueDrops: number };
  /** Stops both directions. */
  disconnect(): void;
}

/**
 * Plugs NIC `options.nic` of a v86 emulator into interface `ifname` of the
 * gateway: frames the guest sends go to `gateway.receive`, frames the
 * gateway sends to that interface are delivered to the guest.
 *
 * Delivery to the guest is deferred to a microtask: the gateway may answer
 * while the emulator is still inside the guest's transmit (an ARP reply to
 * an ARP request), and v86's NIC is not written to be re-entered there.
 */
export function connectV86(emulator: unknown, gateway: Gateway, ifname: string, options: ConnectOptions = {}): V86Link {
  assertV86Emulator(emulator);
  const emu: V86Emulator = emulator;
  const events = nicEvents(options.nic ?? 0);
  const maxQueued = options.maxQueued ?? 256;
  const multicastAsBroadcast = options.multicastAsBroadcast ?? true;
  const counters = { fromGuest: 0, toGuest: 0, queueDrops: 0 };
  let queue: Uint8Array[] = [];
  let scheduled = false;
  let live = true;

  const deliver = () => {
    scheduled = false;
    const frames = queue;
    queue = [];
    if (!live) return;
    for (const f of frames) {
      counters.toGuest++;
      emu.bus.send(events.receive, f);
    }
  };
  const disconnectSink = gateway.connect(ifname, (frame) => {
    if (!live) return;
    if (queue.length >= maxQueued) {
      queue.shift();
      counters.queueDrops++;
    }
    // The broadcast address has the group bit too: only true multicast is rewritten.
    if (multicastAsBroadcast && (frame[0]! & 1) === 1) frame.fill(0xff, 0, 6);
    queue.push(frame);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(deliver);
    }
  });
  const fromGuest = (frame: Uint8Array) => {
    counters.fromGuest++;
    // v86's ne2k hands out a view of the NIC's own memory, and the gateway may
    // rewrite a frame in place (NAT): it gets a copy, so other listeners of
    // the same event (a capture, say) see what the guest sent.
    gateway.receive(ifname, frame.slice());
  };
  emu.add_listener(events.send, fromGuest);
  return {
    counters,
    disconnect() {
      live = false;
      emu.remove_listener(events.send, fromGuest);
      disconnectSink();
    },
  };
}
