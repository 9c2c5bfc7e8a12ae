// A static server on 127.0.0.1 for the Chromium test and the bench: the
// built view at /, v86's build at /v86/, a guest image folder at /image/.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".map": "application/json" };

/** Starts the server on a free port; resolves with its origin and a close function. */
export async function startServer({ imageDir } = {}) {
  const roots = {
    "/v86/": dirname(createRequire(import.meta.url).resolve("v86")),
    "/": fileURLToPath(new URL("./dist/", import.meta.url)),
  };
  if (imageDir) roots["/image/"] = imageDir;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const prefix = Object.keys(roots).filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    const rel = normalize(path.slice(prefix.length) || "index.html");
    const file = join(roots[prefix], rel);
    if (rel.startsWith("..") || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Chromium flags for a closed, headless machine: no sandbox (root), no network services, a fresh profile. */
export function chromiumArgs(profileDir) {
  return [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    `--user-data-dir=${profileDir}`,
  ];
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
