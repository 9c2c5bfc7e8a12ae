// IRC DCC for the end-to-end test, both ends in one script.
//   irc-peer.mjs server        (server namespace) an IRC server stand-in on
//     tcp/6667: for each "DCC SEND name ip port size" it connects to ip:port,
//     reads size bytes and answers "NOTICE me :DCC-RESULT ok|fail sha256".
//   irc-peer.mjs client HOST   (client namespace) listens on a port, offers a
//     file with DCC SEND over the IRC connection and prints the result as JSON.
// Every wait is bounded; nothing but the given address is contacted.
import { createConnection, createServer } from "node:net";
import { createHash, randomBytes } from "node:crypto";

const [role, host, stepMs = "3000"] = process.argv.slice(2);
const STEP = Number(stepMs);

if (role === "server") {
  createServer((irc) => {
    let text = "";
    irc.on("error", () => {});
    irc.on("data", (c) => {
      text += c.toString("latin1");
      let nl;
      while ((nl = text.indexOf("\n")) >= 0) {
        const line = text.slice(0, nl).replace(/\r$/, "");
        text = text.slice(nl + 1);
        const m = /\x01DCC SEND (\S+) (\d+) (\d+) (\d+)\x01/.exec(line);
        if (!m) continue;
        const ip = Number(m[2]);
        const addr = [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join(".");
        const size = Number(m[4]);
        const hash = createHash("sha256");
        let got = 0;
        const done = (ok) => {
          if (irc.destroyed) return;
          irc.write(`NOTICE me :DCC-RESULT ${ok && got === size ? "ok" : "fail"} ${hash.digest("hex")} ${got}\r\n`);
        };
        const s = createConnection({ host: addr, port: Number(m[3]) });
        const t = setTimeout(() => {
          s.destroy();
          done(false);
        }, STEP);
        s.on("data", (d) => {
          hash.update(d);
          got += d.length;
        });
        s.on("end", () => {
          clearTimeout(t);
          done(true);
        });
        s.on("error", () => {
          clearTimeout(t);
          if (!s.destroyed) s.destroy();
          done(false);
        });
      }
    });
  }).listen(6667, () => process.stdout.write("listening\n"));
} else {
  const payload = randomBytes(100_000);
  const sha256 = createHash("sha256").update(payload).digest("hex");
  const files = createServer((s) => {
    s.on("error", () => {});
    s.end(payload);
  });
  files.listen(0, () => {
    const port = files.address().port;
    const irc = createConnection({ host, port: 6667 });
    const finish = (o) => {
      process.stdout.write(JSON.stringify({ port, sent: sha256, ...o }) + "\n");
      irc.destroy();
      files.close();
      process.exit(0);
    };
    const timer = setTimeout(() => finish({ ok: false, error: "timeout" }), STEP * 2);
    irc.on("error", (e) => finish({ ok: false, error: String(e.message) }));
    irc.on("connect", () => {
      const ip = irc.localAddress.split(".").reduce((n, o) => n * 256 + Number(o), 0);
      irc.write("NICK alice\r\nUSER alice 0 * :alice\r\n");
      irc.write(`PRIVMSG bob :\x01DCC SEND data.bin ${ip} ${port} ${payload.length}\x01\r\n`);
    });
    let text = "";
    irc.on("data", (c) => {
      text += c.toString("latin1");
      const m = /DCC-RESULT (ok|fail) ([0-9a-f]+) (\d+)/.exec(text);
      if (!m) return;
      clearTimeout(timer);
      finish({ ok: m[1] === "ok" && m[2] === sha256, received: m[2], bytes: Number(m[3]) });
    });
  });
}
