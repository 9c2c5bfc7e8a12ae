/**
 * A minimal reader of classic pcap files for the conformance replay (kept
 * local so these tests depend on nothing still being written): either byte
 * order, microsecond or nanosecond timestamps. Returns every record's bytes
 * (a view into `file`) and time in seconds, plus the link type.
 */
export interface PcapRecord {
  readonly ts: number;
  readonly bytes: Uint8Array;
}

export function readPcap(file: Uint8Array): { linkType: number; records: PcapRecord[] } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magicLe = view.getUint32(0, true);
  let little: boolean;
  let nano: boolean;
  if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) {
    little = true;
    nano = magicLe === 0xa1b23c4d;
  } else {
    const magicBe = view.getUint32(0, false);
    if (magicBe !== 0xa1b2c3d4 && magicBe !== 0xa1b23c4d) throw new Error("not a classic pcap file");
    little = false;
    nano = magicBe === 0xa1b23c4d;
  }
  const linkType = view.getUint32(20, little) & 0x0fffffff;
  const records: PcapRecord[] = [];
  let at = 24;
  while (at + 16 <= file.length) {
    const sec = view.getUint32(at, little);
    const frac = view.getUint32(at + 4, little);
    const caplen = view.getUint32(at + 8, little);
    if (at + 16 + caplen > file.length) throw new Error(`record at ${at} runs past the end of the file`);
    records.push({ ts: sec + frac / (nano ? 1e9 : 1e6), bytes: file.subarray(at + 16, at + 16 + caplen) });
    at += 16 + caplen;
  }
  return { linkType, records };
}
