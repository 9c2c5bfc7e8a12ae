// A third-party helper that throws on every packet: the daemon must count
// it, accept the packet and keep running. Loaded with --helper-module.
export default function throwingHelper(options = {}) {
  return {
    name: options.name ?? "thrower",
    policies: [{ name: "thrower", maxExpected: 1, timeout: 60 }],
    // The payload hook of core's helper API (v1); rename with API v2.
    onPacket() {
      throw new Error("this helper always throws");
    },
  };
}
