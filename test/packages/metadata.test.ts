import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectedMetadata, metadataProblems } from "../../scripts/package-metadata.mjs";
import { root, rootPackage, workspaces } from "../../scripts/workspaces.mjs";

// Every publishable package of the root "workspaces" list, so a package added
// there is held to the same rules without editing this test.
const all = workspaces();
const publishable = all.filter((w) => w.publishable);

describe("package metadata", () => {
  it("covers every workspace package, each after the packages it depends on", () => {
    expect(publishable.length).toBeGreaterThanOrEqual(10);
    const names = all.map((w) => w.name);
    expect(names.indexOf("@alg-sdk/core")).toBeLessThan(names.indexOf("@alg-sdk/helper-ftp"));
    expect(names.indexOf("@alg-sdk/rules")).toBeLessThan(names.indexOf("@alg-sdk/cli"));
  });

  it.each(publishable.map((w) => [w.dir, w] as const))("%s is complete", (_dir, ws) => {
    expect(metadataProblems(ws, all)).toEqual([]);
  });

  it("finds what a package lacks", () => {
    const core = all.find((w) => w.name === "@alg-sdk/core")!;
    const bare = { ...core, pkg: { name: "@alg-sdk/core", version: "0.1.0", peerDependencies: {} } };
    const problems = metadataProblems(bare, all).join("\n");
    for (const field of ["license", "repository", "homepage", "bugs", "engines", "sideEffects", "files", "exports"]) {
      expect(problems).toContain(`"${field}"`);
    }
  });

  it("finds a workspace dependency range the workspace's version does not satisfy", () => {
    const ftp = all.find((w) => w.name === "@alg-sdk/helper-ftp")!;
    const coreVersion = all.find((w) => w.name === "@alg-sdk/core")!.pkg.version as string;
    const [major, minor] = coreVersion.split(".").map(Number);
    const stale = `^${major}.${minor! + 1}.0`;
    const wrong = { ...ftp, pkg: { ...ftp.pkg, peerDependencies: { "@alg-sdk/core": stale } } };
    expect(metadataProblems(wrong, all)).toEqual([expect.stringContaining(`peerDependencies["@alg-sdk/core"] is ${stale}`)]);
  });

  it("derives repository, homepage and bugs from the root package.json", () => {
    expect(expectedMetadata("helpers/ftp")).toMatchObject({
      repository: { type: "git", directory: "helpers/ftp" },
      homepage: expect.stringMatching(/^https:\/\/github\.com\/.+\/tree\/main\/helpers\/ftp#readme$/),
      engines: { node: ">=20" },
      license: "MIT",
    });
  });

  it("the README states the minimum TypeScript version that scripts/check-packs.mjs tests", () => {
    const minimum = rootPackage().config.minimumTypeScript as string;
    expect(minimum).toMatch(/^\d+\.\d+\.\d+$/);
    const [major, minor] = minimum.split(".");
    expect(readFileSync(`${root}/README.md`, "utf8")).toContain(`TypeScript ${major}.${minor} or later`);
  });

  it("every package has a CHANGELOG, or a pending changeset that will write it", () => {
    const pending = readdirSync(`${root}/.changeset`)
      .filter((f) => f.endsWith(".md") && f !== "README.md")
      .map((f) => readFileSync(`${root}/.changeset/${f}`, "utf8"))
      .join("\n");
    for (const ws of publishable) {
      expect(existsSync(`${ws.path}/CHANGELOG.md`) || pending.includes(`"${ws.name}"`), ws.name).toBe(true);
    }
  });
});
