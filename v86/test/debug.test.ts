import { it } from "vitest";
// @ts-expect-error: plain script
import { buildGuestImage } from "../guest/build-image.mjs";
import { Guest } from "./support/guest.js";
import { CLIENT_ARGS, Network, SERVER_ARGS } from "./support/network.js";
import { routedPolicy } from "./support/policies.js";

it("debug", async () => {
  const imageDir = buildGuestImage();
  const client = new Guest({ name: "client", imageDir, args: CLIENT_ARGS });
  const server = new Guest({ name: "server", imageDir, args: SERVER_ARGS });
  const net = new Network(client, server, { helpers: [], policy: routedPolicy });
  const hex = (f: Uint8Array) => Buffer.from(f).toString("hex");
  for (const [n, g] of [["client", client], ["server", server]] as const) {
    g.emulator.add_listener("net0-send", (f: Uint8Array) => { if (f[12] === 0x86 || f[12] === 0x08) console.log(n, "->", f.length, hex(f).slice(0, 200)); });
  }
  const origW = (net.gateway as any).send.bind(net.gateway);
  (net.gateway as any).send = (i: any, f: Uint8Array) => { console.log("gw ->", i.name, f.length, hex(f).slice(0, 200)); origW(i, f); };
  await Promise.all([client.waitFor(/@@ready client/, 150_000), server.waitFor(/@@ready server/, 150_000)]);
  console.log("READY");
  console.log((await client.run("ping6 -c 1 -W 2 fd00:2::2")).output);
  console.log(JSON.stringify(net.gateway.stats));
  await Promise.all([client.destroy(), server.destroy()]);
  net.stop();
}, 300_000);
