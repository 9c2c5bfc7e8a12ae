#!/usr/bin/env node
// The API report: for every entry point of every publishable workspace
// package (its package.json "exports", read from the built declarations),
// API Extractor writes `<package>/etc/<name>.api.md`, the public surface as
// review-friendly declarations. The reports are committed, so a change to
// the public API shows up in the diff of the change that made it.
//
//   node scripts/api-report.mjs           # check: exit 1 if a report is out of date (CI)
//   node scripts/api-report.mjs --update  # rewrite the reports (npm run api:update)
//
// Needs the built packages (npm run build).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";
import { declarationsOf, entryPoints } from "./entry-points.mjs";
import { root } from "./workspaces.mjs";

/** @param {import("./entry-points.mjs").EntryPoint} point @returns {string} its report file */
export const reportOf = (point) => join(point.ws.path, "etc", `${point.slug}.api.md`);

/**
 * Runs API Extractor over every entry point. With `update`, rewrites the
 * reports; without, leaves them and lists those that differ.
 * @param {{ update: boolean, log?: (line: string) => void }} options
 * @returns {{ checked: number, changed: string[], problems: string[] }}
 */
export function apiReports({ update, log = () => {} }) {
  const temp = mkdtempSync(join(tmpdir(), "alg-sdk-api-"));
  /** @type {string[]} */
  const changed = [];
  /** @type {string[]} */
  const problems = [];
  const entries = entryPoints();
  try {
    for (const point of entries) {
      const { ws, specifier } = point;
      const entry = declarationsOf(point);
      const report = reportOf(point);
      if (!existsSync(entry)) {
        problems.push(`${relative(root, entry)} is missing: build first (npm run build)`);
        continue;
      }
      const name = report.slice(report.lastIndexOf("/") + 1);
      if (update) mkdirSync(join(ws.path, "etc"), { recursive: true });
      const config = ExtractorConfig.prepare({
        configObject: {
          projectFolder: ws.path,
          mainEntryPointFilePath: entry,
          compiler: {
            overrideTsconfig: {
              compilerOptions: { target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022"], types: [], strict: true, skipLibCheck: true },
              files: [entry],
            },
          },
          apiReport: { enabled: true, reportFolder: join(ws.path, "etc"), reportTempFolder: temp, reportFileName: name },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          newlineKind: "lf",
          messages: {
            // What a report shows reviewers: a public declaration that uses a type
            // the package does not export is listed in the report as a warning.
            extractorMessageReporting: {
              default: { logLevel: /** @type {any} */ ("none") },
              "ae-forgotten-export": { logLevel: /** @type {any} */ ("none"), addToApiReportFile: true },
            },
            // TSDoc syntax is typedoc's to check (npm run docs:api).
            tsdocMessageReporting: { default: { logLevel: /** @type {any} */ ("none") } },
            compilerMessageReporting: { default: { logLevel: /** @type {any} */ ("error") } },
          },
        },
        configObjectFullPath: undefined,
        packageJsonFullPath: join(ws.path, "package.json"),
      });
      const result = Extractor.invoke(config, {
        localBuild: update,
        messageCallback: (message) => {
          if (!String(message.messageId).startsWith("console-") && (message.logLevel === "error" || message.logLevel === "warning")) {
            problems.push(`${specifier}: ${message.text}`);
          }
          message.handled = true;
        },
      });
      if (result.apiReportChanged) changed.push(relative(root, report));
      log(`${specifier}: ${relative(root, report)} ${result.apiReportChanged ? (update ? "updated" : "OUT OF DATE") : "up to date"}`);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return { checked: entries.length, changed, problems };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const update = process.argv.includes("--update");
  const { changed, problems } = apiReports({ update, log: (line) => console.log(line) });
  for (const p of problems) console.error(`error: ${p}`);
  if (problems.length > 0) process.exit(1);
  if (!update && changed.length > 0) {
    console.error(`\nThe public API differs from ${changed.join(", ")}.\nIf the change is intended, run \`npm run api:update\` and commit the reports.`);
    process.exit(1);
  }
}
