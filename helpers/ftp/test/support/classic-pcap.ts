/**
 * A tiny reader of classic pcap files, enough for the conformance fixtures
 * (kept here so the tests depend on no other package's progress). Handles
 * both byte orders and micro/nanosecond magics; returns each record's bytes
 * (a view) and timestamp in seconds.
 */
export interface PcapRecord {
  readonly ts: number;
  readonly bytes: Uint8Array;
}

export function readClassicPcap(file: Uint8Array): { linkType: number; records: PcapRecord[] } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = view.getUint32(0, true);
  let little: boolean;
  let nano: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    little = true;
    nano = magic === 0xa1b23c4d;
  } else if (view.getUint32(0, false) === 0xa1b2c3d4 || view.getUint32(0, false) === 0xa1b23c4d) {
    little = false;
    nano = view.getUint32(0, false) === 0xa1b23c4d;
  } else throw new Error("not a classic pcap file");
  const linkType = view.getUint32(20, little) & 0x0fffffff;
  const records: PcapRecord[] = [];
  for (let o = 24; o + 16 <= file.length; ) {
    const sec = view.getUint32(o, little);
    const frac = view.getUint32(o + 4, little);
    const incl = view.getUint32(o + 8, little);
    if (o + 16 + incl > file.length) throw new Error(`truncated record at offset ${o}`);
    records.push({ ts: sec + frac / (nano ? 1e9 : 1e6), bytes: file.subarray(o + 16, o + 16 + incl) });
    o += 16 + incl;
  }
  return { linkType, records };
}
