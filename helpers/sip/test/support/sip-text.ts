/**
 * SIP and SDP text for tests. Every builder returns a whole message with
 * CRLF line ends and a correct Content-Length (unless told otherwise).
 */

export interface Media {
  /** "audio", "video", "image", or anything else. */
  readonly type: string;
  readonly port: number;
  /** A `c=` line inside this media description. */
  readonly address?: string;
  /** Raw text of the `c=` line's value instead (e.g. "IN IP6 fd00::1"). */
  readonly connection?: string;
}

export interface SdpOptions {
  /** Session-level `c=` address (null: none). Default "10.0.1.2". */
  readonly address?: string | null;
  /** Raw session `c=` value instead of "IN IP4 <address>". */
  readonly connection?: string;
  readonly media?: readonly Media[];
}

function family(address: string): string {
  return address.includes(":") ? "IP6" : "IP4";
}

/** A session description. */
export function sdp(o: SdpOptions = {}): string {
  const address = o.address === undefined ? "10.0.1.2" : o.address;
  const lines = ["v=0", `o=- 1 1 IN ${family(address ?? "0.0.0.0")} ${address ?? "0.0.0.0"}`, "s=call"];
  if (o.connection !== undefined) lines.push(`c=${o.connection}`);
  else if (address !== null) lines.push(`c=IN ${family(address)} ${address}`);
  lines.push("t=0 0");
  for (const m of o.media ?? [{ type: "audio", port: 20000 }]) {
    lines.push(`m=${m.type} ${m.port} RTP/AVP 0`);
    if (m.connection !== undefined) lines.push(`c=${m.connection}`);
    else if (m.address !== undefined) lines.push(`c=IN ${family(m.address)} ${m.address}`);
    lines.push("a=rtpmap:0 PCMU/8000");
  }
  return lines.join("\r\n") + "\r\n";
}

export interface MessageOptions {
  readonly cseq?: number | string;
  /** Method named in CSeq (responses: the request's method). */
  readonly cseqMethod?: string;
  /** Extra header lines, in order, before Content-Length. */
  readonly headers?: readonly string[];
  readonly body?: string;
  /** Content-Length value (default: the body's length); null: no Content-Length header. */
  readonly contentLength?: number | string | null;
  /** Via address:port (default "10.0.1.2:5060"); null: no Via. */
  readonly via?: string | null;
}

function finish(first: string, method: string, o: MessageOptions): string {
  const body = o.body ?? "";
  const lines = [first];
  if (o.via !== null) lines.push(`Via: SIP/2.0/UDP ${o.via ?? "10.0.1.2:5060"};branch=z9hG4bK-1`);
  lines.push('From: "alice" <sip:alice@10.0.1.2>;tag=a1', "To: <sip:bob@10.0.2.2>", "Call-ID: call-1@10.0.1.2");
  if (o.cseq !== undefined || o.cseqMethod !== undefined) lines.push(`CSeq: ${o.cseq ?? 1} ${o.cseqMethod ?? method}`);
  else lines.push(`CSeq: 1 ${method}`);
  lines.push(...(o.headers ?? []));
  if (body !== "") lines.push("Content-Type: application/sdp");
  if (o.contentLength !== null) lines.push(`Content-Length: ${o.contentLength ?? body.length}`);
  return lines.join("\r\n") + "\r\n\r\n" + body;
}

/** A request, e.g. `request("INVITE", { body: sdp() })`. */
export function request(method: string, o: MessageOptions & { readonly uri?: string } = {}): string {
  return finish(`${method} ${o.uri ?? "sip:bob@10.0.2.2:5060"} SIP/2.0`, method, o);
}

/** A response, e.g. `response(200, "OK", { cseqMethod: "INVITE", body: sdp({ address: "10.0.2.2" }) })`. */
export function response(code: number | string, reason: string, o: MessageOptions = {}): string {
  return finish(`SIP/2.0 ${code} ${reason}`, o.cseqMethod ?? "INVITE", o);
}
