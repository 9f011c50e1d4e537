import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address";

const req = (remote: string, xff?: string) =>
  ({ socket: { remoteAddress: remote }, headers: xff ? { "x-forwarded-for": xff } : {} }) as IncomingMessage;

describe("clientAddress", () => {
  it("uses the socket's address and ignores X-Forwarded-For unless a proxy is trusted", () => {
    expect(clientAddress(req("192.0.2.1", "10.9.9.9"), 0)).toBe("192.0.2.1");
  });

  it("behind one trusted proxy takes the entry that proxy appended, not the client's own", () => {
    expect(clientAddress(req("10.0.0.2", "6.6.6.6, 198.51.100.7"), 1)).toBe("198.51.100.7");
    expect(clientAddress(req("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9"), 2)).toBe("198.51.100.7");
    expect(clientAddress(req("10.0.0.2"), 1)).toBe("10.0.0.2");
  });
});
