import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../src/config/args.js";
import { loadConfig } from "../src/config/load.js";
import { ConfigError, parseAttach, validateConfig } from "../src/config/validate.js";

describe("command line", () => {
  it("reads queues, helpers with their options, exports and attach points", () => {
    const a = parseArgs([
      "--queue", "2-4", "--queue=9",
      "--helper", "ftp:tcp/2121",
      "--helper-options", '{"loose":true}',
      "--helper-module", "./x.mjs", "--helper-export", "xHelper", "--helper-attach", "udp/69", "--helper-attach", "udp/1069",
      "--verdicts", "single", "--fail-open", "--events", "--verdict-timeout", "100",
    ]);
    expect(a.settings).toEqual({
      queues: [2, 3, 4, 9],
      helpers: [
        { name: "ftp", attach: ["tcp/2121"], options: { loose: true } },
        { module: "./x.mjs", export: "xHelper", attach: ["udp/69", "udp/1069"] },
      ],
      verdicts: "single",
      failOpen: true,
      events: true,
      verdictTimeoutMs: 100,
    });
  });

  it("reads tracker modules, each with its own options and export", () => {
    const a = parseArgs([
      "--helper", "ftp",
      "--tracker-module", "./toy.mjs", "--tracker-options", '{"protocol":254}',
      "--tracker-module", "@acme/trackers", "--tracker-export", "knockTracker",
    ]);
    expect(a.settings).toEqual({
      helpers: [{ name: "ftp" }],
      trackers: [{ module: "./toy.mjs", options: { protocol: 254 } }, { module: "@acme/trackers", export: "knockTracker" }],
    });
    // Options belong to the entry of their own kind named last, whatever comes between.
    expect(parseArgs(["--helper", "ftp", "--tracker-module", "t", "--helper-options", "{}"]).settings).toEqual({
      helpers: [{ name: "ftp", options: {} }],
      trackers: [{ module: "t" }],
    });
    expect(() => parseArgs(["--helper", "ftp", "--tracker-options", "{}"])).toThrow(/--tracker-options must follow --tracker-module/);
    expect(() => parseArgs(["--tracker-export", "x"])).toThrow(/--tracker-export must follow --tracker-module/);
    expect(() => parseArgs(["--tracker-module", "t", "--tracker-options", "7"])).toThrow(/--tracker-options: expected a JSON object/);
  });

  it("says what is wrong, as a ConfigError", () => {
    expect(() => parseArgs(["--helper-options", "{}"])).toThrow(/must follow --helper/);
    expect(() => parseArgs(["--helper", "ftp", "--helper-options", "[1]"])).toThrow(/JSON object/);
    expect(() => parseArgs(["--queue", "5-2"])).toThrow(ConfigError);
    expect(() => parseArgs(["--bogus"])).toThrow(/unknown option/);
    expect(() => parseArgs(["--queue"])).toThrow(/needs a value/);
    expect(() => parseArgs(["--zone", "x"])).toThrow(/whole number/);
  });
});

describe("validation", () => {
  it("fills defaults and requires a helper", () => {
    const c = validateConfig({ helpers: [{ name: "ftp" }] });
    expect(c).toMatchObject({ queues: [0], verdicts: "batch", failOpen: false, verdictTimeoutMs: 250, mode: "auto" });
    expect(() => validateConfig({})).toThrow(/no helpers/);
  });

  it("refuses unknown settings, bad modes and helpers that are both or neither", () => {
    expect(() => validateConfig({ helpers: [{ name: "ftp" }], queue: 1 })).toThrow(/unknown setting "queue"/);
    expect(() => validateConfig({ helpers: [{ name: "ftp" }], mode: "magic" })).toThrow(/mode/);
    expect(() => validateConfig({ helpers: [{ name: "ftp", module: "x" }] })).toThrow(/exactly one/);
    expect(() => validateConfig({ helpers: [{}] })).toThrow(/exactly one/);
    expect(() => validateConfig({ helpers: [{ name: "ftp", attach: "tcp/0" }] })).toThrow(/1-65535/);
  });

  it("checks tracker entries: a module each, known keys only, options an object", () => {
    const base = { helpers: [{ name: "ftp" }] };
    expect(validateConfig(base).trackers).toEqual([]);
    expect(validateConfig({ ...base, trackers: [{ module: "./toy.mjs", export: "toyTracker", options: { protocol: 254 } }] }).trackers).toEqual([
      { module: "./toy.mjs", export: "toyTracker", options: { protocol: 254 } },
    ]);
    expect(() => validateConfig({ ...base, trackers: {} })).toThrow(/trackers: expected a list/);
    expect(() => validateConfig({ ...base, trackers: [{}] })).toThrow(/trackers\[0\]: give "module"/);
    expect(() => validateConfig({ ...base, trackers: [{ module: "t", modul: "u" }] })).toThrow(/trackers\[0\]: unknown key "modul"/);
    expect(() => validateConfig({ ...base, trackers: [{ module: "t", options: [1] }] })).toThrow(/trackers\[0\]\.options: expected an object/);
    expect(() => validateConfig({ helpers: [{ name: "ftp", atach: "tcp/21" }] })).toThrow(/helpers\[0\]: unknown key "atach"/);
  });

  it("parses attach points", () => {
    expect(parseAttach("tcp/21")).toEqual({ protocol: "tcp", port: 21 });
    expect(parseAttach("UDP/5060-5061")).toEqual({ protocol: "udp", port: [5060, 5061] });
    expect(() => parseAttach("sctp/1")).toThrow(ConfigError);
  });
});

describe("config file", () => {
  it("is the base; flags win", async () => {
    const dir = mkdtempSync(join(tmpdir(), "algd-"));
    const file = join(dir, "daemon.json");
    writeFileSync(file, JSON.stringify({ queues: [1], helpers: [{ name: "irc" }], events: true, statsIntervalSec: 10 }));
    const c = await loadConfig(parseArgs(["--config", file, "--queue", "3"]));
    expect(c).toMatchObject({ queues: [3], helpers: [{ name: "irc" }], events: true, statsIntervalSec: 10 });
  });

  it("reports a missing or broken file as a ConfigError", async () => {
    await expect(loadConfig(parseArgs(["--config", "/nonexistent/daemon.json"]))).rejects.toThrow(ConfigError);
    const dir = mkdtempSync(join(tmpdir(), "algd-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, "{ not json");
    await expect(loadConfig(parseArgs(["--config", file]))).rejects.toThrow(/bad.json/);
  });
});
