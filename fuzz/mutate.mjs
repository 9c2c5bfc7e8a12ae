// Mutations of IP datagrams, driven by a seeded generator so a run can be
// repeated exactly. Each mutation returns new arrays (the corpus is never
// changed). Lengths in the IP (and UDP) headers are fixed up after a size
// change half of the time: the other half exercises the length checks.
// Checksums are left stale: engines fuzzed with `checksums: true` then see
// mostly INVALID packets, the others ignore checksums (Linux's default).

/** mulberry32: a small, fast, seeded 32-bit generator. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const enc = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** Words the helpers look for, and the characters their grammars turn on. */
const TOKENS = [
  "PORT ", "EPRT |1|", "EPRT |2|", "PASV\r\n", "EPSV\r\n", "227 Entering Passive Mode (", "229 Entering Extended Passive Mode (|||",
  "10,0,1,2,", "10,0,2,2,", ",255,255", ")\r\n", "|\r\n",
  "PRIVMSG bob :\x01DCC SEND f ", "\x01DCC CHAT chat ", "\x01DCC ", "167772418 ", "167772674 ", " 5000 1\x01\r\n", "\x01",
  "INVITE sip:b@10.0.2.2 SIP/2.0\r\n", "SIP/2.0 200 OK\r\n", "REGISTER sip:r SIP/2.0\r\n", "Content-Length: 0\r\n", "CSeq: 1 INVITE\r\n",
  "Via: SIP/2.0/UDP 10.0.1.2:5060\r\n", "Contact: <sip:a@10.0.1.2:5060>\r\n", "Call-ID: x\r\n", "Expires: 3600\r\n",
  "\r\n\r\nv=0\r\n", "c=IN IP4 10.0.1.2\r\n", "c=IN IP6 fd00:1::2\r\n", "m=audio 4000 RTP/AVP 0\r\n", "m=video ", "a=rtcp:4001\r\n",
  "\x00\x01", "\x00\x02", "octet\x00", "netascii\x00",
  "\r\n", "\n", "\r", " ", ",", ":", "|", "0", "65535", "65536", "4294967295", "99999999999", "fd00:1::2", "::ffff:10.0.1.2",
];
const TOKEN_BYTES = TOKENS.map(enc);
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x40, 0x20, 0x3f];

function ipHeaderLength(b) {
  if (b.length < 1) return 0;
  const v = b[0] >> 4;
  if (v === 4) return Math.min(b.length, (b[0] & 0x0f) << 2);
  if (v === 6) return Math.min(b.length, 40);
  return 0;
}

/** Sets the IP (and UDP) length fields to the datagram's length. */
function fixLengths(b) {
  if (b.length < 20) return b;
  const v = b[0] >> 4;
  if (v === 4) {
    b[2] = b.length >> 8;
    b[3] = b.length & 0xff;
    const hl = (b[0] & 0x0f) << 2;
    if (b[9] === 17 && b.length >= hl + 8) {
      const n = b.length - hl;
      b[hl + 4] = n >> 8;
      b[hl + 5] = n & 0xff;
    }
  } else if (v === 6 && b.length >= 40) {
    const n = b.length - 40;
    b[4] = n >> 8;
    b[5] = n & 0xff;
    if (b[6] === 17 && b.length >= 48) {
      b[44] = n >> 8;
      b[45] = n & 0xff;
    }
  }
  return b;
}

function resized(r, b) {
  return r.chance(0.5) ? fixLengths(b) : b;
}

/** Where the transport payload starts (a guess good enough for mutation: IPv4/IPv6 without extension headers). */
function payloadStart(b) {
  const hl = ipHeaderLength(b);
  const proto = b[0] >> 4 === 4 ? b[9] : b[6];
  if (proto === 6 && b.length >= hl + 13) return Math.min(b.length, hl + ((b[hl + 12] >> 4) << 2));
  if (proto === 17 || proto === 136) return Math.min(b.length, hl + 8);
  return Math.min(b.length, hl + 8);
}

const MUTATORS = [
  // A flipped bit anywhere.
  [3, (r, b) => {
    const c = b.slice();
    if (c.length > 0) c[r.int(c.length)] ^= 1 << r.int(8);
    return [c];
  }],
  // A byte set to an edge value or a random one.
  [3, (r, b) => {
    const c = b.slice();
    if (c.length > 0) c[r.int(c.length)] = r.chance(0.5) ? r.pick(INTERESTING) : r.int(256);
    return [c];
  }],
  // A header field: lengths, fragment bits, protocol, TCP offset and flags, ICMP type.
  [3, (r, b) => {
    const c = b.slice();
    if (c.length < 20) return [c];
    const hl = ipHeaderLength(c);
    const v = c[0] >> 4;
    switch (r.int(7)) {
      case 0: // total / payload length
        if (v === 4) { c[2] = r.int(256); c[3] = r.int(256); } else { c[4] = r.int(256); c[5] = r.int(256); }
        break;
      case 1: // IPv4 header length
        if (v === 4) c[0] = 0x40 | r.int(16);
        break;
      case 2: // IPv4 fragment: MF and an offset
        if (v === 4) { c[6] = (r.chance(0.5) ? 0x20 : 0) | r.int(0x20); c[7] = r.int(256); }
        break;
      case 3: // protocol / next header
        c[v === 4 ? 9 : 6] = r.pick([6, 17, 1, 58, 136, 132, 47, 44, 0, 43, 60, r.int(256)]);
        break;
      case 4: // TCP data offset
        if (c.length > hl + 12) c[hl + 12] = r.int(16) << 4;
        break;
      case 5: // TCP flags
        if (c.length > hl + 13) c[hl + 13] = r.pick([0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x03, 0x06, r.int(256)]);
        break;
      case 6: // ICMP type and code
        if (c.length > hl + 1) { c[hl] = r.pick([0, 3, 4, 5, 8, 11, 12, 1, 2, 128, 129, r.int(256)]); c[hl + 1] = r.int(16); }
        break;
    }
    return [c];
  }],
  // Cut short.
  [1, (r, b) => [resized(r, b.slice(0, r.int(b.length + 1)))]],
  // Random bytes added at the end.
  [1, (r, b) => {
    const extra = new Uint8Array(1 + r.int(64)).map(() => r.int(256));
    const c = new Uint8Array(b.length + extra.length);
    c.set(b);
    c.set(extra, b.length);
    return [resized(r, c)];
  }],
  // A helper keyword, address or delimiter inserted in (or written over) the payload.
  [4, (r, b) => {
    const at = payloadStart(b) + r.int(Math.max(1, b.length - payloadStart(b) + 1));
    const t = r.pick(TOKEN_BYTES);
    if (r.chance(0.4)) {
      const c = b.slice();
      for (let i = 0; i < t.length && at + i < c.length; i++) c[at + i] = t[i];
      return [c];
    }
    const c = new Uint8Array(b.length + t.length);
    c.set(b.subarray(0, at));
    c.set(t, at);
    c.set(b.subarray(at), at + t.length);
    return [resized(r, c)];
  }],
  // A number in the payload replaced (ports, addresses, lengths in PORT, 227, DCC, SDP).
  [2, (r, b) => {
    const start = payloadStart(b);
    const digits = [];
    for (let i = start; i < b.length; i++) if (b[i] >= 0x30 && b[i] <= 0x39 && (i === start || b[i - 1] < 0x30 || b[i - 1] > 0x39)) digits.push(i);
    if (digits.length === 0) return [b.slice()];
    const at = r.pick(digits);
    let end = at;
    while (end < b.length && b[end] >= 0x30 && b[end] <= 0x39) end++;
    const n = enc(String(r.pick([0, 1, 255, 256, 1023, 1024, 65535, 65536, 2 ** 32 - 1, 2 ** 32, r.int(70000), r.int(2 ** 31)])));
    const c = new Uint8Array(b.length - (end - at) + n.length);
    c.set(b.subarray(0, at));
    c.set(n, at);
    c.set(b.subarray(end), at + n.length);
    return [resized(r, c)];
  }],
  // IPv4: cut into fragments (8-byte aligned, sometimes overlapping), in a random order.
  [1, (r, b) => {
    if (b.length < 28 || b[0] >> 4 !== 4) return [b.slice()];
    const hl = (b[0] & 0x0f) << 2;
    const data = b.subarray(hl);
    const pieces = [];
    let off = 0;
    while (off < data.length) {
      const size = Math.max(8, (1 + r.int(Math.max(1, data.length >> 3))) << 3);
      let end = Math.min(data.length, off + size);
      const start = r.chance(0.1) && off >= 8 ? off - 8 : off; // an overlap
      const f = new Uint8Array(hl + end - start);
      f.set(b.subarray(0, hl));
      f.set(data.subarray(start, end), hl);
      const field = (start >> 3) | (end < data.length ? 0x2000 : 0);
      f[6] = field >> 8;
      f[7] = field & 0xff;
      f[2] = f.length >> 8;
      f[3] = f.length & 0xff;
      pieces.push(f);
      off = end;
    }
    for (let i = pieces.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [pieces[i], pieces[j]] = [pieces[j], pieces[i]];
    }
    return pieces;
  }],
  // A chunk of another packet spliced in.
  [1, (r, b, other) => {
    const from = r.int(other.length + 1);
    const chunk = other.subarray(from, from + 1 + r.int(64));
    const at = r.int(b.length + 1);
    const c = new Uint8Array(b.length + chunk.length);
    c.set(b.subarray(0, at));
    c.set(chunk, at);
    c.set(b.subarray(at), at + chunk.length);
    return [resized(r, c)];
  }],
];
const TOTAL = MUTATORS.reduce((s, [w]) => s + w, 0);

/** One to three mutations of `b` (`other`: another corpus packet for splicing); returns the datagrams to send. */
export function mutate(r, b, other) {
  let out = [b];
  const rounds = 1 + (r.chance(0.3) ? r.int(3) : 0);
  for (let k = 0; k < rounds; k++) {
    const next = [];
    for (const p of out) {
      let w = r.int(TOTAL);
      let m = 0;
      while (w >= MUTATORS[m][0]) w -= MUTATORS[m++][0];
      next.push(...MUTATORS[m][1](r, p, other));
    }
    out = next.length > 16 ? next.slice(0, 16) : next;
  }
  return out;
}
