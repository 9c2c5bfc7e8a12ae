import {
  createLinkLayerInfo,
  decodeLinkLayer,
  isSupportedLinkType,
  LinkLayerError,
  linkTypeName,
  type CaptureRecord,
} from "@alg-sdk/pcap";
import type { PacketHooks, PacketInput } from "./packet-input.js";

/** A link type the decoder cannot find IP packets in: the whole capture is unusable. */
export class UnsupportedLinkType extends Error {}

/**
 * From capture records to IP packets: the link-layer step shared by the
 * in-thread reader and the reader worker. Fills `input` and returns true for
 * an IP packet; reports anything else through `skipped` and returns false.
 */
export class LinkStage {
  private readonly ll = createLinkLayerInfo();
  private linkType = -1;
  private lastTs = 0;
  private lastSec = 0;
  private lastNanos = 0;

  constructor(
    private readonly captureName: string,
    private readonly hooks: Pick<PacketHooks, "skipped" | "linkType">,
  ) {}

  /** Throws {@link UnsupportedLinkType} before anything of the record is used. */
  check(rec: CaptureRecord): void {
    if (rec.linkType === this.linkType) return;
    if (!isSupportedLinkType(rec.linkType)) {
      throw new UnsupportedLinkType(
        `${this.captureName}: packet ${rec.index} has link type ${rec.linkType} (${linkTypeName(rec.linkType)}), ` +
          "which alg-sdk cannot decode to IP (supported: Ethernet, Linux SLL/SLL2, raw IP, loopback, NFLOG)",
      );
    }
    this.linkType = rec.linkType;
    this.hooks.linkType(linkTypeName(rec.linkType));
  }

  decode(rec: CaptureRecord, input: PacketInput): boolean {
    this.check(rec);
    // pcapng Simple Packet Blocks carry no time: keep the clock where it was.
    if (!Number.isNaN(rec.tsSeconds)) {
      this.lastTs = rec.tsSeconds;
      this.lastSec = rec.tsSec;
      this.lastNanos = rec.tsNanos;
    }
    const ll = this.ll;
    try {
      decodeLinkLayer(rec.linkType, rec.data, ll);
    } catch (error) {
      if (!(error instanceof LinkLayerError)) throw error;
      this.hooks.skipped(rec.index, this.lastTs, "link-error", error.message);
      return false;
    }
    if (ll.family === 0) {
      const what = ll.etherType >= 0 ? `ethertype 0x${ll.etherType.toString(16).padStart(4, "0")}` : "no IP packet";
      this.hooks.skipped(rec.index, this.lastTs, "not-ip", what);
      return false;
    }
    input.index = rec.index;
    input.tsSeconds = this.lastTs;
    input.tsSec = this.lastSec;
    input.tsNanos = this.lastNanos;
    input.bytes = rec.data;
    input.offset = ll.offset;
    input.length = ll.length;
    return true;
  }
}
