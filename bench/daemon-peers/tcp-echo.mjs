// Echoes every line back on PORT (a stand-in FTP server for latency). Bench peer, server side.
import { createServer } from "node:net";

const [port] = process.argv.slice(2);
createServer((s) => {
  s.setNoDelay(true);
  s.on("error", () => {});
  s.on("data", (d) => s.write(d));
}).listen(Number(port), () => process.stdout.write("ready\n"));
