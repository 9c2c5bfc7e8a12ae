/** Ethernet (MAC) addresses: six bytes, written `02:00:00:00:01:01`. */

/** Parses `aa:bb:cc:dd:ee:ff` (or with `-`); `null` if it is not one. */
export function parseMac(text: string): Uint8Array | null {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6) return null;
  const mac = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    const p = parts[i]!;
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return null;
    mac[i] = parseInt(p, 16);
  }
  return mac;
}

export function formatMac(bytes: Uint8Array, offset = 0): string {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) out.push((bytes[offset + i] ?? 0).toString(16).padStart(2, "0"));
  return out.join(":");
}

/** The frame's destination (at `offset`) is `mac`. */
export function macEquals(bytes: Uint8Array, offset: number, mac: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (bytes[offset + i] !== mac[i]) return false;
  return true;
}

/** Group bit: broadcast and multicast destinations. */
export function isGroupMac(bytes: Uint8Array, offset: number): boolean {
  return ((bytes[offset] ?? 0) & 1) === 1;
}

export const BROADCAST_MAC = new Uint8Array([255, 255, 255, 255, 255, 255]);
