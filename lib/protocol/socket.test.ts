import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, protocolMismatch } from "./socket";

describe("handshake protocol version", () => {
  it("accepts this version, and a handshake from before the field existed", () => {
    expect(protocolMismatch({ protocol: PROTOCOL_VERSION })).toBeNull();
    expect(protocolMismatch({})).toBeNull();
    expect(protocolMismatch(undefined)).toBeNull();
  });

  it("refuses another version or a malformed one, saying which it speaks", () => {
    expect(protocolMismatch({ protocol: PROTOCOL_VERSION + 1 })).toBe(
      `protocol: this server speaks ${PROTOCOL_VERSION}, the page ${PROTOCOL_VERSION + 1}; reload it`,
    );
    expect(protocolMismatch({ protocol: "1" })).toMatch(/^protocol: the handshake's auth is malformed/);
  });
});
