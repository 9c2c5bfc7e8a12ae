// A third-party helper that throws on every packet: the daemon must count
// it, accept the packet and keep running. Loaded with --helper-module.
export default function throwingHelper(options = {}) {
  return {
    apiVersion: 2,
    name: options.name ?? "thrower",
    policies: [{ name: "thrower", maxExpected: 1, timeout: 60 }],
        onPacket() {
      throw new Error("this helper always throws");
    },
  };
}
