import { describe, expect, it } from "vitest";
import { formatInZone, instantToWallTime, isTimeZone, wallTimeToInstant } from "./zoned-time";

describe("zoned time", () => {
  it("reads a wall time in the class's zone, whatever the process's zone", () => {
    expect(wallTimeToInstant("2026-12-24T17:00", "Asia/Tokyo")?.toISOString()).toBe(
      "2026-12-24T08:00:00.000Z",
    );
    expect(wallTimeToInstant("2026-12-24T17:00", "Europe/Berlin")?.toISOString()).toBe(
      "2026-12-24T16:00:00.000Z",
    );
    expect(wallTimeToInstant("2026-07-01T09:30", "America/New_York")?.toISOString()).toBe(
      "2026-07-01T13:30:00.000Z",
    );
  });

  it("resolves a wall time skipped by a DST jump forward, and refuses non-times", () => {
    // 2026-03-08 02:30 does not exist in New York (clocks go 02:00 → 03:00).
    expect(wallTimeToInstant("2026-03-08T02:30", "America/New_York")?.toISOString()).toBe(
      "2026-03-08T07:30:00.000Z",
    );
    expect(wallTimeToInstant("2026-02-30T10:00", "Asia/Tokyo")).toBeNull();
    expect(wallTimeToInstant("tomorrow", "Asia/Tokyo")).toBeNull();
  });

  it("round-trips to the datetime-local format", () => {
    const i = new Date("2026-12-24T08:00:00.000Z");
    expect(instantToWallTime(i, "Asia/Tokyo")).toBe("2026-12-24T17:00");
    expect(instantToWallTime(i, "UTC")).toBe("2026-12-24T08:00");
  });

  it("formats in the viewer's language and names the class's zone", () => {
    const i = new Date("2026-12-24T08:00:00.000Z");
    expect(formatInZone(i, "Asia/Tokyo", "ja")).toBe("2026/12/24 17:00 JST");
    expect(formatInZone(i, "Asia/Tokyo", "en")).toBe("Dec 24, 2026, 5:00 PM GMT+9");
  });

  it("knows real zones only", () => {
    expect(isTimeZone("Asia/Tokyo")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });
});
