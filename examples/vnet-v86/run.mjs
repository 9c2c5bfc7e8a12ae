// @ts-check
// Two real Linux guests in v86, with an alg-sdk gateway as their network:
// the client (LAN) fetches a file by passive FTP from the server (WAN), and
// the gateway prints its connection events as `conntrack -E` does.
//
//   npm run build && node examples/vnet-v86/run.mjs
//
// Needs Debian's i386 packages reachable by apt (see docs/emulator.md):
// the guest image is built once and cached under .cache/v86-images/.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { V86 } from "v86";
import { FilterVerdict, formatConnection, PacketState } from "@alg-sdk/core";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { createGateway } from "@alg-sdk/vnet";
import { connectV86 } from "@alg-sdk/v86";
import { buildGuestImage, KERNEL_ARGS } from "../../v86/guest/build-image.mjs";

const image = buildGuestImage();
const v86Build = dirname(createRequire(import.meta.url).resolve("v86"));
const file = (name) => {
  const b = readFileSync(join(image, name));
  return { buffer: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
};

// 1. The gateway: two interfaces, the FTP helper, a firewall that lets the
//    LAN open connections and the WAN open none (only RELATED comes back in).
const t0 = performance.now();
const gateway = createGateway({
  interfaces: [
    { name: "lan", mac: "02:00:00:00:01:01", ipv4: "10.0.1.1/24" },
    { name: "wan", mac: "02:00:00:00:02:01", ipv4: "10.0.2.1/24" },
  ],
  helpers: [ftpHelper()],
  policy: {
    filter: (p) =>
      p.state === PacketState.ESTABLISHED || p.state === PacketState.RELATED || (p.state === PacketState.NEW && p.src[0] >>> 8 === 0x0a0001)
        ? FilterVerdict.ACCEPT
        : FilterVerdict.DROP,
  },
  clock: () => (performance.now() - t0) / 1000,
});
gateway.engine.on((e) => {
  if (e.type === "conn-new") console.log(`[NEW] ${formatConnection(e.connection)}`);
  if (e.type === "expect-new") console.log(`[NEW] expect ${e.expectation.tuple.dst}:${e.expectation.tuple.dstPort} helper=${e.expectation.helper}`);
});
const ticker = setInterval(() => gateway.tick(), 250);

// 2. Two guests from the same image; the kernel command line gives each its role and address.
const guest = (args) =>
  new V86({
    wasm_path: join(v86Build, "v86.wasm"),
    memory_size: 128 * 1024 * 1024,
    bios: file("bios.bin"),
    vga_bios: file("vgabios.bin"),
    bzimage: file("bzImage"),
    initrd: file("initrd.gz"),
    cmdline: `${KERNEL_ARGS} ${args}`,
    autostart: true,
    disable_keyboard: true,
    disable_mouse: true,
    net_device: { type: "ne2k" },
  });
const client = guest("role=client addr=10.0.1.2/24 gw=10.0.1.1");
const server = guest("role=server addr=10.0.2.2/24 gw=10.0.2.1");

// 3. Plug each NIC into its side of the gateway.
connectV86(client, gateway, "lan");
connectV86(server, gateway, "wan");

// 4. Wait for both shells, then type a command on the client's serial console.
const consoleOf = (emu) => {
  let out = "";
  emu.add_listener("serial0-output-byte", (b) => (out += String.fromCharCode(b)));
  return { until: (re) => new Promise((res) => { const t = setInterval(() => re.test(out) && (clearInterval(t), res(out)), 100); }) };
};
const c = consoleOf(client);
const s = consoleOf(server);
console.log("booting two guests (about a minute)…");
await Promise.all([c.until(/@@ready client/), s.until(/@@ready server/)]);
client.serial0_send('ftpget -u anonymous -p guest 10.0.2.2 /tmp/f.txt file.txt; echo "fetched $(wc -c < /tmp/f.txt) bytes, exit $?"\n');
const out = await c.until(/fetched \d+ bytes, exit \d+/);
console.log(out.match(/fetched \d+ bytes, exit \d+/)?.[0]);
console.log(`gateway: ${gateway.stats.forwarded} forwarded, ${gateway.engine.stats.expectationsMatched} expectation(s) matched`);
clearInterval(ticker);
await Promise.all([client.destroy(), server.destroy()]);
