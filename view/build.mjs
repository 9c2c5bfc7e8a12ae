// Bundles the view: dist/app.js (the page) and dist/lib.mjs (runtime-agnostic
// parts the bench imports in Node and in the browser), plus the page files.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
rmSync(here("./dist"), { recursive: true, force: true });
mkdirSync(here("./dist"), { recursive: true });
const common = { bundle: true, format: "esm", target: "es2022", sourcemap: true, logLevel: "warning" };
await build({ ...common, entryPoints: [here("./src/main.ts")], outfile: here("./dist/app.js"), platform: "browser" });
await build({ ...common, entryPoints: [here("./src/lib.ts")], outfile: here("./dist/lib.mjs"), platform: "neutral", mainFields: ["module", "main"] });
cpSync(here("./page"), here("./dist"), { recursive: true });
