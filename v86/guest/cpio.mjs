// A writer for the "newc" cpio format the Linux kernel unpacks as an
// initramfs. Written here (rather than running cpio) so the image is the
// same bytes on every machine: fixed owner root, fixed mtime, sorted order.
import { gzipSync } from "node:zlib";

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** @typedef {{ path: string, type: "dir" | "file" | "symlink", mode?: number, data?: Uint8Array, target?: string }} CpioEntry */

const hex8 = (n) => n.toString(16).padStart(8, "0");
const pad4 = (n) => (4 - (n % 4)) % 4;

/** One header + name + data, each padded to 4 bytes as newc requires. */
function record(ino, mode, nlink, name, data) {
  const nameBytes = Buffer.from(`${name}\0`, "latin1");
  const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join("")}`, "latin1");
  return Buffer.concat([
    header,
    nameBytes,
    Buffer.alloc(pad4(header.length + nameBytes.length)),
    Buffer.from(data),
    Buffer.alloc(pad4(data.length)),
  ]);
}

/** Builds a gzip'd newc archive from entries (paths without a leading slash). */
export function buildInitramfs(/** @type {CpioEntry[]} */ entries) {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const parts = [];
  let ino = 1;
  for (const e of sorted) {
    if (e.type === "dir") parts.push(record(ino++, S_IFDIR | (e.mode ?? 0o755), 2, e.path, new Uint8Array(0)));
    else if (e.type === "symlink") parts.push(record(ino++, S_IFLNK | 0o777, 1, e.path, Buffer.from(e.target ?? "", "latin1")));
    else parts.push(record(ino++, S_IFREG | (e.mode ?? 0o644), 1, e.path, e.data ?? new Uint8Array(0)));
  }
  parts.push(record(0, 0, 1, "TRAILER!!!", new Uint8Array(0)));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
