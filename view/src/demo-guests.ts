import { ftpHelper } from "@alg-sdk/helper-ftp";
import { ircHelper } from "@alg-sdk/helper-irc";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import type { PacketPolicy } from "@alg-sdk/core";
import { FilterVerdict, PacketState } from "@alg-sdk/core";
import { createGateway, type Gateway } from "@alg-sdk/vnet";
import { connectV86, SerialConsole, type V86Serial } from "@alg-sdk/v86";

/** LAN may open ping, FTP (21) and IRC (6667); the WAN may open nothing. */
const demoPolicy: PacketPolicy = {
  filter: (p) => {
    if (p.state === PacketState.ESTABLISHED || p.state === PacketState.RELATED) return FilterVerdict.ACCEPT;
    if (p.state !== PacketState.NEW) return FilterVerdict.DROP;
    const lan = p.family === 4 ? p.src[0]! >>> 8 === 0x0a0001 : p.src[0] === 0xfd000001;
    if (!lan) return FilterVerdict.DROP;
    if (p.protocol === 1 || p.protocol === 58) return FilterVerdict.ACCEPT;
    return p.protocol === 6 && (p.dport === 21 || p.dport === 6667) ? FilterVerdict.ACCEPT : FilterVerdict.DROP;
  },
};

/** The same scenario as the Node two-guest test, for people to watch. */
export const DEMO_STEPS: readonly { guest: "client" | "server"; label: string; command: string }[] = [
  { guest: "client", label: "ping over IPv4", command: "ping -c 2 -W 3 10.0.2.2" },
  { guest: "client", label: "ping over IPv6", command: "ping6 -c 2 -W 3 fd00:2::2" },
  { guest: "client", label: "passive FTP", command: "ftpget -u anonymous -p guest 10.0.2.2 /tmp/p.txt file.txt && wc -c < /tmp/p.txt" },
  { guest: "client", label: "active FTP", command: "/srv/ftp-active.sh 10.0.2.2 10.0.1.2 5001 /tmp/a.txt" },
  { guest: "client", label: "IRC DCC offer", command: "/srv/dcc-offer.sh 10.0.2.2 10.0.1.2 5555" },
  { guest: "server", label: "NEW from the WAN (dropped)", command: "echo hi | timeout 4 nc 10.0.1.2 2323" },
];

/**
 * Boots the two test guests in the page (v86 loaded from `v86Base`, the
 * image from `imageBase`), puts a gateway between them and runs the demo.
 */
export async function runGuestDemo(v86Base: string, imageBase: string, status: (text: string) => void, onGateway: (g: Gateway) => void): Promise<void> {
  const { V86 } = await import(/* @vite-ignore */ `${v86Base}/libv86.mjs`);
  // The image says how it boots (kernel arguments shared with the Node test).
  const manifest = (await (await fetch(`${imageBase}/manifest.json`)).json()) as { cmdline: string };
  const t0 = performance.now();
  const gateway = createGateway({
    interfaces: [
      { name: "lan", mac: "02:00:00:00:01:01", ipv4: "10.0.1.1/24", ipv6: "fd00:1::1/64" },
      { name: "wan", mac: "02:00:00:00:02:01", ipv4: "10.0.2.1/24", ipv6: "fd00:2::1/64" },
    ],
    helpers: [ftpHelper(), ircHelper(), icmpHelper()],
    policy: demoPolicy,
    clock: () => (performance.now() - t0) / 1000,
  });
  onGateway(gateway);
  setInterval(() => gateway.tick(), 250);
  const boot = (args: string) =>
    new V86({
      wasm_path: `${v86Base}/v86.wasm`,
      memory_size: 128 * 1024 * 1024,
      vga_memory_size: 2 * 1024 * 1024,
      bios: { url: `${imageBase}/bios.bin` },
      vga_bios: { url: `${imageBase}/vgabios.bin` },
      bzimage: { url: `${imageBase}/bzImage` },
      initrd: { url: `${imageBase}/initrd.gz` },
      cmdline: `${manifest.cmdline} ${args}`,
      autostart: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
      net_device: { type: "ne2k" },
    });
  const client = boot("role=client addr=10.0.1.2/24 gw=10.0.1.1 addr6=fd00:1::2/64 gw6=fd00:1::1");
  const server = boot("role=server addr=10.0.2.2/24 gw=10.0.2.1 addr6=fd00:2::2/64 gw6=fd00:2::1");
  connectV86(client, gateway, "lan");
  connectV86(server, gateway, "wan");
  const consoles = { client: new SerialConsole(client as V86Serial, "client"), server: new SerialConsole(server as V86Serial, "server") };
  status("booting two Debian guests…");
  await Promise.all([consoles.client.waitFor(/@@ready client/, 300_000), consoles.server.waitFor(/@@ready server/, 300_000)]);
  for (const step of DEMO_STEPS) {
    status(`${step.label}…`);
    const r = await consoles[step.guest].run(step.command, 60_000);
    status(`${step.label}: exit ${r.code}`);
  }
}
