import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadHelperModule } from "../src/helpers/load-module.js";

const here = dirname(fileURLToPath(import.meta.url));

describe("loadHelperModule", () => {
  it("calls a default-export factory with the options", async () => {
    const r = await loadHelperModule("./e2e/peers/throwing-helper.mjs", { name: "boom" }, undefined, here);
    expect(r.exportName).toBe("default");
    expect((r.helper as { name: string }).name).toBe("boom");
  });

  it("takes a named export when asked, object or factory", async () => {
    const a = await loadHelperModule("./fixtures/two-exports.mjs", {}, "first", here);
    expect((a.helper as { name: string }).name).toBe("first");
    const b = await loadHelperModule(resolve(here, "fixtures/two-exports.mjs"), { name: "b" }, "second");
    expect((b.helper as { name: string }).name).toBe("b");
  });

  it("loads a helper package's named factory (the TFTP helper's sources, by path)", async () => {
    const r = await loadHelperModule("../../helpers/tftp/src/index.ts", {}, "tftpHelper", here);
    expect((r.helper as { name: string }).name).toBe("tftp");
  });

  it("explains what it found when it cannot choose or finds nothing", async () => {
    await expect(loadHelperModule("./fixtures/two-exports.mjs", {}, undefined, here)).rejects.toThrow(/several exports could be the helper \(first, second\)/);
    await expect(loadHelperModule("./fixtures/no-helper.mjs", {}, undefined, here)).rejects.toThrow(/exports no helper object or factory \(exports: answer\)/);
    await expect(loadHelperModule("./fixtures/no-helper.mjs", {}, "missing", here)).rejects.toThrow(/no export named "missing"/);
    await expect(loadHelperModule("./fixtures/absent.mjs", {}, undefined, here)).rejects.toThrow(/cannot load it/);
    await expect(loadHelperModule("no-such-package-alg-sdk", {}, undefined, here)).rejects.toThrow(/cannot load it/);
  });
});
