import { HelperVerdict } from "@alg-sdk/core";
import { MAX_PORT, MIN_PORT } from "./constants.js";
import { expectMedia } from "./media.js";
import type { SipMessage } from "./message.js";
import { readUnsigned } from "./numbers.js";
import { MAX_MEDIA_LINES, SDP_MEDIA, SDP_VERSION, findSdpAddress, findSdpLine, mediaTypeOf } from "./sdp.js";
import { Found } from "./sip-headers.js";

/**
 * Linux's `process_sdp`: expects the media streams a message's session
 * description announces.
 *
 * - No `v=` line: nothing to do.
 * - The session's `c=` address (before the first `m=`) applies to every
 *   media line without a `c=` of its own.
 * - Each `m=audio`, `m=video` or `m=image` line with a port gets RTP and
 *   RTCP expectations (see {@link expectMedia}), up to three lines per
 *   message; other types are skipped; port 0 (a disabled stream) is
 *   skipped; a port below 1024 or above 65535 drops the message, and so
 *   does a media line with no address at all.
 */
export function expectSessionMedia(msg: SipMessage): HelperVerdict {
  const { bytes: b, start, end, family, match: m } = msg;
  if (findSdpLine(SDP_VERSION, null, b, start, end, family, m) !== Found.YES) return HelperVerdict.ACCEPT;
  const sessionAt = m.off;
  const hasSessionAddress = findSdpAddress(b, sessionAt, end, family, m, msg.sessionAddress) === Found.YES;

  let at = sessionAt;
  for (let expected = 0; expected < MAX_MEDIA_LINES; ) {
    if (findSdpLine(SDP_MEDIA, null, b, at, end, family, m) !== Found.YES) break;
    at = m.off;
    const type = mediaTypeOf(b, m);
    if (type === null) {
      at += m.len;
      continue;
    }
    at += type.name.length;
    const port = readUnsigned(b, at, end);
    if (port === 0) continue;
    if (port < MIN_PORT || port > MAX_PORT) return msg.drop(`wrong port ${port}`);

    // A c= line inside the media description overrides the session's.
    let address: Uint32Array;
    if (findSdpAddress(b, at, end, family, m, msg.mediaAddress) === Found.YES) address = msg.mediaAddress;
    else if (hasSessionAddress) address = msg.sessionAddress;
    else return msg.drop("cannot parse SDP message");

    const v = expectMedia(msg, address, port, type.cls);
    if (v !== HelperVerdict.ACCEPT) return msg.drop("cannot add expectation for voice");
    expected++;
  }
  return HelperVerdict.ACCEPT;
}
