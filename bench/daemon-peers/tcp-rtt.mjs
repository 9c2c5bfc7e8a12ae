// Measures round trips of one-line commands over one TCP connection to
// HOST:PORT: COUNT times LINE (with "{n}" replaced by a port that changes).
// Prints the round-trip times in microseconds as JSON. Bench peer, client side.
import { createConnection } from "node:net";

const [host, port, count, line] = process.argv.slice(2);
const s = createConnection({ host, port: Number(port) });
s.setNoDelay(true);
const rtts = [];
let buffered = "";
let started = 0n;
let i = 0;
const send = () => {
  const p = 20000 + (i % 20000);
  const text = line.replace("{n}", `${p >> 8},${p & 255}`) + "\r\n";
  started = process.hrtime.bigint();
  s.write(text);
};
s.on("connect", () => send());
s.on("data", (d) => {
  buffered += d.toString("latin1");
  if (!buffered.endsWith("\r\n")) return;
  buffered = "";
  rtts.push(Number(process.hrtime.bigint() - started) / 1000);
  if (++i < Number(count)) send();
  else {
    process.stdout.write(JSON.stringify({ rtts }) + "\n");
    s.end();
  }
});
s.on("error", (e) => {
  process.stdout.write(JSON.stringify({ error: String(e.message), rtts }) + "\n");
  process.exit(1);
});
