import { describe, expect, it } from "vitest";
import { POST } from "./route";

const url = "http://localhost:3000/api/locale";
const body = JSON.stringify({ locale: "en" });

describe("POST /api/locale refuses cross-site requests before touching anything", () => {
  it("refuses a text/plain body (what a foreign page can send without a preflight)", async () => {
    const res = await POST(
      new Request(url, {
        method: "POST",
        headers: { host: "localhost:3000", origin: "https://evil.example", "content-type": "text/plain" },
        body,
      }),
    );
    expect(res.status).toBe(415);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses JSON from another origin or another site", async () => {
    for (const headers of <Array<Record<string, string>>>[
      { origin: "https://evil.example" },
      { "sec-fetch-site": "cross-site" },
      { origin: "http://localhost:3000.evil.example" },
    ]) {
      const res = await POST(
        new Request(url, {
          method: "POST",
          headers: { host: "localhost:3000", "content-type": "application/json", ...headers },
          body,
        }),
      );
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });
});
