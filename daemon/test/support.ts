import { splitMessages, type NlMessage } from "../src/netlink/reader.js";

/** Bytes from a hex string with spaces and comments ("# …" to end of line) allowed. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/#[^\n]*/g, "").replace(/\s+/g, "");
  if (clean.length % 2 !== 0) throw new Error("odd hex length");
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The single message of a datagram (fails the test when there is not exactly one). */
export function only(datagram: Uint8Array): NlMessage {
  const { messages, malformed } = splitMessages(datagram);
  if (malformed || messages.length !== 1) throw new Error(`expected one well-formed message, got ${messages.length} (malformed: ${malformed})`);
  return messages[0]!;
}
