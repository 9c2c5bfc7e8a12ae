#!/usr/bin/env node
// The API reference: one TypeDoc site for every public entry point of every
// publishable workspace package (docs/api, not committed: `npm run docs:api`
// builds it, CI builds it too and fails on any TypeDoc warning).
//
// It documents the built declarations (what npm users get: internals and
// private members already stripped), from their TSDoc comments. Each entry
// point is converted on its own, named as it is imported ("@alg-sdk/core",
// "@alg-sdk/core/payload"), then the projects are merged into one site, so
// cross-package references (a helper's `Helper` from @alg-sdk/core) link up.
//
//   node scripts/docs-api.mjs [--out DIR]   # default docs/api; needs npm run build
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Application, LogLevel } from "typedoc";
import { declarationsOf, entryPoints } from "./entry-points.mjs";
import { root, rootPackage } from "./workspaces.mjs";

const outIndex = process.argv.indexOf("--out");
const out = resolve(outIndex >= 0 ? (process.argv[outIndex + 1] ?? "") : join(root, "docs", "api"));

const compilerOptions = {
  target: "es2022",
  module: "esnext",
  moduleResolution: "bundler",
  lib: ["es2022"],
  types: [],
  strict: true,
  skipLibCheck: true,
  noEmit: true,
};

// Shared by every run: nothing TypeDoc may only warn about is tolerated.
const common = {
  logLevel: LogLevel.Warn,
  treatWarningsAsErrors: true,
  excludePrivate: true,
  excludeInternal: true,
  disableSources: true,
};
// A package's project is checked for what it uses but does not export; the
// links are checked on the merged site, where the other packages are.
const perProject = { validation: { notExported: true, invalidLink: false, notDocumented: false } };
const onSite = { validation: { notExported: true, invalidLink: true, notDocumented: false } };
/** @param {Application} app */
const troubled = (app) => app.logger.hasErrors() || app.logger.hasWarnings();

const temp = mkdtempSync(join(tmpdir(), "alg-sdk-typedoc-"));
let failed = false;
try {
  /** @type {string[]} */
  const projects = [];
  for (const entry of entryPoints()) {
    const declarations = declarationsOf(entry);
    if (!existsSync(declarations)) throw new Error(`${relative(root, declarations)} is missing: build first (npm run build)`);
    const tsconfig = join(temp, `${entry.slug}.tsconfig.json`);
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions, files: [declarations] }));
    const app = await Application.bootstrapWithPlugins({
      ...common,
      ...perProject,
      name: entry.specifier,
      entryPoints: [declarations],
      entryPointStrategy: "resolve",
      tsconfig,
      readme: "none",
      // The other @alg-sdk packages are documented by their own projects.
      externalPattern: ["**/node_modules/**", ...entryPoints().filter((e) => e.ws !== entry.ws).map((e) => `${e.ws.path}/**`)],
    });
    const project = await app.convert();
    if (!project || troubled(app)) {
      failed = true;
      continue;
    }
    app.validate(project);
    if (troubled(app)) failed = true;
    const json = join(temp, `${entry.slug}.json`);
    await app.generateJson(project, json);
    projects.push(json);
  }
  if (failed) throw new Error("TypeDoc reported problems (above)");

  // The front page: the packages, each with its description.
  const index = join(temp, "index.md");
  const lines = entryPoints().map((e) => `- **${e.specifier}**${e.subpath === "." ? `: ${e.ws.pkg.description}` : ""}`);
  writeFileSync(index, `# alg-sdk API reference\n\n${rootPackage().description}\n\n${lines.join("\n")}\n`);

  const site = await Application.bootstrapWithPlugins({
    ...common,
    ...onSite,
    name: "alg-sdk",
    entryPoints: projects,
    entryPointStrategy: "merge",
    readme: index,
    out,
  });
  const merged = await site.convert();
  if (!merged || troubled(site)) throw new Error("TypeDoc could not merge the projects (above)");
  site.validate(merged);
  if (troubled(site)) throw new Error("TypeDoc reported problems (above)");
  await site.generateDocs(merged, out);
  if (troubled(site)) throw new Error("TypeDoc reported problems (above)");
  console.log(`docs:api: ${projects.length} entry points documented in ${relative(process.cwd(), out) || "."}`);
} catch (error) {
  console.error(`docs:api: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(temp, { recursive: true, force: true });
}
