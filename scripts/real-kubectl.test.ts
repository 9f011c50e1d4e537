/** The differential suites trust only a kubectl that answers as a v1.32 client. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pickOracle } from "./real-kubectl";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A folder holding fake kubectl builds that print `version --client -o json` for a version. */
function fakeBin(builds: Record<string, { minor: string; gitVersion: string } | "broken">): string {
  const dir = mkdtempSync(join(tmpdir(), "oracle-"));
  dirs.push(dir);
  mkdirSync(dir, { recursive: true });
  for (const [name, v] of Object.entries(builds)) {
    const body =
      v === "broken"
        ? "echo 'exec format error' >&2; exit 126"
        : `echo '${JSON.stringify({ clientVersion: { major: "1", ...v } })}'`;
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe("pickOracle", () => {
  it("skips, saying so, without a kubectl on PATH", () => {
    expect(pickOracle(fakeBin({}))).toEqual({ ok: false, reason: "no kubectl on PATH" });
  });

  it("refuses a client of another minor version", () => {
    const dir = fakeBin({ kubectl: { minor: "31", gitVersion: "v1.31.9" } });
    const o = pickOracle(dir);
    expect(o.ok).toBe(false);
    expect(!o.ok && o.reason).toContain("v1.31.9, not a v1.32 client");
  });

  it("prefers the upstream kubectl.1.32 beside the one on PATH", () => {
    const dir = fakeBin({
      kubectl: { minor: "32+", gitVersion: "v1.32.4-vendor" },
      "kubectl.1.32": { minor: "32", gitVersion: "v1.32.5" },
    });
    expect(pickOracle(dir)).toEqual({
      ok: true,
      bin: join(dir, "kubectl.1.32"),
      version: "v1.32.5",
      upstream: true,
    });
  });

  it("falls back to the kubectl on PATH when the upstream build does not run", () => {
    const dir = fakeBin({
      kubectl: { minor: "32+", gitVersion: "v1.32.4-vendor" },
      "kubectl.1.32": "broken",
    });
    expect(pickOracle(dir)).toEqual({
      ok: true,
      bin: join(dir, "kubectl"),
      version: "v1.32.4-vendor",
      upstream: false,
    });
  });
});
