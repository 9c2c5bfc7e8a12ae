#!/usr/bin/env node
// Builds (or finds in the cache) everything a v86 test guest boots from:
// the i386 kernel, an initramfs with busybox, the NIC modules and the
// scripts of rootfs/, and SeaBIOS. Everything comes from Debian packages
// fetched with `apt-get download` (the machine needs the i386 architecture
// and an apt index: .ci/run sets both up).
//
//   node v86/guest/build-image.mjs        prints the image folder
//
// The cache folder is keyed by the package versions and a hash of rootfs/,
// so a kernel security update or a script change builds a new image.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildInitramfs } from "./cpio.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(here, "..", "..");
/**
 * Kernel command line every guest of this image boots with (the role and
 * addresses are appended). acpi=off: v86 has no ACPI tables to probe.
 * cryptomgr.notests, noisapnp: the crypto self-tests and ISA PnP probing
 * were a third of the boot under v86 (initcall_debug showed it).
 */
export const KERNEL_ARGS = "console=ttyS0 quiet loglevel=3 acpi=off cryptomgr.notests noisapnp";

export const CACHE_ROOT = process.env.ALG_SDK_IMAGE_CACHE ?? join(repoRoot, ".cache", "v86-images");

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** The newest 6.1 686 kernel package apt knows (its name changes with every ABI bump). */
function kernelPackage() {
  const out = run("apt-cache", ["search", "--names-only", "^linux-image-6\\.[0-9.]+-[0-9]+-686$"]);
  const names = out.split("\n").map((l) => l.split(" ")[0]).filter(Boolean);
  if (names.length === 0) throw new Error("no linux-image-*-686 package: run `dpkg --add-architecture i386 && apt-get update`");
  const abi = (n) => Number(/-(\d+)-686$/.exec(n)?.[1] ?? 0);
  return names.sort((a, b) => abi(a) - abi(b)).at(-1);
}

/** `name=version` of apt's candidate for each package, in one apt-cache call (each call reads the whole index). */
function candidateVersions(pkgs) {
  const out = run("apt-cache", ["policy", ...pkgs]);
  const sections = out.split(/^(?=\S+:$)/m);
  return pkgs.map((pkg) => {
    // Headers read `name:` or, for a foreign architecture, `name:i386:`.
    const bare = (name) => name.replace(/:(i386|amd64|all)$/, "");
    const section = sections.find((x) => bare(x.slice(0, x.indexOf("\n")).replace(/:$/, "")) === bare(pkg));
    const v = section && /Candidate:\s*(\S+)/.exec(section)?.[1];
    if (!v || v === "(none)") throw new Error(`apt has no candidate for ${pkg}`);
    return `${pkg}=${v}`;
  });
}

function hashTree(dir) {
  const h = createHash("sha256");
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else h.update(`${relative(dir, p)}\0${st.mode & 0o111 ? "x" : "-"}\0`).update(readFileSync(p));
    }
  };
  walk(dir);
  h.update(readFileSync(join(here, "cpio.mjs")));
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  return h.digest("hex").slice(0, 12);
}

function listFiles(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push({ dir: relative(base, p) }, ...listFiles(p, base));
    else out.push({ file: relative(base, p), path: p });
  }
  return out;
}

/**
 * Returns the folder holding bzImage, initrd.gz, bios.bin and vgabios.bin,
 * building it first when the cache has none for these package versions.
 */
export function buildGuestImage({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const kernel = kernelPackage();
  const pkgs = [kernel, "busybox-static:i386", "seabios"];
  const versions = candidateVersions(pkgs);
  const key = createHash("sha256").update(versions.join("\n")).digest("hex").slice(0, 12) + "-" + hashTree(join(here, "rootfs"));
  const out = join(CACHE_ROOT, key);
  if (existsSync(join(out, "manifest.json"))) return out;

  log(`building guest image ${key} from ${versions.join(", ")}`);
  const work = join(CACHE_ROOT, `tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const deb of fetchDebs(versions)) run("dpkg-deb", ["-x", deb, join(work, "x")]);
  const x = join(work, "x");
  const modDir = readdirSync(join(x, "lib", "modules"))[0];
  const nic = join(x, "lib", "modules", modDir, "kernel", "drivers", "net", "ethernet", "8390");
  const vmlinuz = readdirSync(join(x, "boot")).find((n) => n.startsWith("vmlinuz-"));

  const entries = [
    ...["bin", "dev", "proc", "sys", "tmp", "lib", "lib/modules", "srv", "sbin", "usr", "usr/bin", "usr/sbin", "var"].map((d) => ({ path: d, type: "dir" })),
    { path: "bin/busybox", type: "file", mode: 0o755, data: readFileSync(join(x, "bin", "busybox")) },
    { path: "bin/sh", type: "symlink", target: "busybox" },
    // Loaded in name order by /init: 8390 (the shared core) before ne2k-pci.
    { path: "lib/modules/8390.ko", type: "file", data: readFileSync(join(nic, "8390.ko")) },
    { path: "lib/modules/ne2k-pci.ko", type: "file", data: readFileSync(join(nic, "ne2k-pci.ko")) },
  ];
  for (const f of listFiles(join(here, "rootfs"))) {
    if ("dir" in f) {
      if (!entries.some((e) => e.path === f.dir)) entries.push({ path: f.dir, type: "dir" });
    } else {
      const exec = (statSync(f.path).mode & 0o111) !== 0;
      entries.push({ path: f.file, type: "file", mode: exec ? 0o755 : 0o644, data: readFileSync(f.path) });
    }
  }
  const tmpOut = join(work, "image");
  mkdirSync(tmpOut);
  writeFileSync(join(tmpOut, "initrd.gz"), buildInitramfs(entries));
  copyFileSync(join(x, "boot", vmlinuz), join(tmpOut, "bzImage"));
  copyFileSync(join(x, "usr", "share", "seabios", "bios.bin"), join(tmpOut, "bios.bin"));
  copyFileSync(join(x, "usr", "share", "seabios", "vgabios-stdvga.bin"), join(tmpOut, "vgabios.bin"));
  writeFileSync(join(tmpOut, "manifest.json"), JSON.stringify({ key, packages: versions, cmdline: KERNEL_ARGS }, null, 2) + "\n");
  rmSync(out, { recursive: true, force: true });
  renameSync(tmpOut, out);
  rmSync(work, { recursive: true, force: true });
  pruneCache(key);
  return out;
}

/**
 * The .deb files of `versions` (`name=version`), downloaded once into the
 * cache's debs/ folder: a change of the guest scripts rebuilds the image
 * without fetching the 50 MB kernel package again. Debs of other versions go.
 */
function fetchDebs(versions) {
  const dir = join(CACHE_ROOT, "debs");
  mkdirSync(dir, { recursive: true });
  // apt names files NAME_VERSION_ARCH.deb with the epoch's ":" as "%3a".
  const fileOf = (v) => {
    const [name, version] = v.replace(/:i386=/, "=").split("=");
    const prefix = `${name}_${version.replace(/:/g, "%3a")}_`;
    return readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith(".deb"));
  };
  const missing = versions.filter((v) => !fileOf(v));
  if (missing.length > 0) run("apt-get", ["download", ...missing], dir);
  const files = versions.map((v) => {
    const f = fileOf(v);
    if (!f) throw new Error(`apt-get download gave no .deb for ${v}`);
    return f;
  });
  for (const f of readdirSync(dir)) if (!files.includes(f)) rmSync(join(dir, f), { force: true });
  return files.map((f) => join(dir, f));
}

/** Keeps the cache bounded: images of older package versions or scripts go, the newest other one stays (another branch may use it). */
function pruneCache(keep) {
  const others = readdirSync(CACHE_ROOT)
    .filter((n) => n !== keep && !n.startsWith("tmp-") && existsSync(join(CACHE_ROOT, n, "manifest.json")))
    .map((n) => ({ n, t: statSync(join(CACHE_ROOT, n, "manifest.json")).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { n } of others.slice(1)) rmSync(join(CACHE_ROOT, n), { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(buildGuestImage());
}
