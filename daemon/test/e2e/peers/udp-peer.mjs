// TFTP-shaped UDP exchange for the end-to-end test.
//   udp-peer.mjs server        (server namespace) on udp/69: answers each
//     request from a NEW socket (a new source port), as a TFTP server does.
//   udp-peer.mjs client HOST   (client namespace) sends a read request, again
//     every 200 ms as a TFTP client retransmits, and prints {"ok": true,
//     "tries": N} when the answer arrives, within the bound.
import { createSocket } from "node:dgram";

const [role, host, stepMs = "3000"] = process.argv.slice(2);
if (role === "server") {
  const s = createSocket("udp4");
  s.on("message", (msg, from) => {
    const reply = createSocket("udp4");
    reply.send(Buffer.from("\x00\x03\x00\x01hello over a new port"), from.port, from.address, () => reply.close());
  });
  s.bind(69, () => process.stdout.write("listening\n"));
} else {
  const s = createSocket("udp4");
  const done = (o) => {
    process.stdout.write(JSON.stringify(o) + "\n");
    process.exit(0);
  };
  let tries = 0;
  const request = () => {
    tries++;
    s.send(Buffer.from("\x00\x01data.bin\x00octet\x00", "latin1"), 69, host);
  };
  const again = setInterval(request, 200);
  const t = setTimeout(() => done({ ok: false, tries, error: "timeout" }), Number(stepMs));
  s.on("message", (msg, from) => {
    clearTimeout(t);
    clearInterval(again);
    done({ ok: msg.subarray(4).toString() === "hello over a new port", tries, from: from.port });
  });
  s.bind(0, request);
}
