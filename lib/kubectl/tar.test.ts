/**
 * The tar format against the machine's GNU tar, when there is one: what we pack, GNU tar lists
 * and extracts; what GNU tar packs, we read.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packTar, readTar } from "./tar";

function gnuTar(): boolean {
  try {
    return execFileSync("tar", ["--version"], { encoding: "utf8" }).includes("GNU tar");
  } catch {
    return false;
  }
}
const haveTar = gnuTar();
if (!haveTar) console.log("tar.test: GNU tar comparison skipped: no GNU tar on PATH");

describe("tar format", () => {
  const entries = [
    {
      name: "d",
      type: "dir" as const,
      data: "",
      mode: 0o755,
      mtime: 1_700_000_000,
      uname: "root",
      gname: "root",
    },
    { name: "d/a.txt", type: "file" as const, data: "grüße ✓\n", mode: 0o644, mtime: 1_700_000_000 },
    {
      name: `d/${"n".repeat(120)}.txt`,
      type: "file" as const,
      data: "long\n",
      mode: 0o644,
      mtime: 1_700_000_000,
    },
  ];

  it("round-trips its own archives, sizes counted in bytes", () => {
    for (const format of ["gnu", "ustar"] as const) {
      const read = readTar(packTar(entries, format));
      expect(read.error).toBeUndefined();
      expect(read.entries.map((e) => [e.name, e.type, e.data])).toEqual([
        ["d/", "dir", ""],
        ["d/a.txt", "file", "grüße ✓\n"],
        [`d/${"n".repeat(120)}.txt`, "file", "long\n"],
      ]);
    }
    expect(new TextEncoder().encode(packTar(entries, "gnu")).length % 10240).toBe(0);
    expect(readTar("junk").error).toBe("unexpected EOF");
    expect(readTar("junk".repeat(200)).error).toBe("invalid header");
    expect(readTar(packTar(entries, "ustar").slice(0, 700)).error).toBe("unexpected EOF");
  });

  it.skipIf(!haveTar)("GNU tar lists and extracts what we pack, and we read what it packs", () => {
    const dir = mkdtempSync(join(tmpdir(), "kubeclass-tar-"));
    try {
      for (const format of ["gnu", "ustar"] as const) {
        const bytes = Buffer.from(packTar(entries, format), "utf8");
        const listed = execFileSync("tar", ["tf", "-"], { input: bytes, encoding: "utf8" });
        expect(listed).toBe(`d/\nd/a.txt\nd/${"n".repeat(120)}.txt\n`);
        const out = execFileSync("tar", ["xOf", "-", "d/a.txt"], { input: bytes, encoding: "utf8" });
        expect(out).toBe("grüße ✓\n");
      }
      writeFileSync(join(dir, "f.txt"), "héllo\n");
      const made = execFileSync("tar", ["cf", "-", "-C", dir, "f.txt"]);
      const read = readTar(made.toString("utf8"));
      expect(read.entries.map((e) => [e.name, e.data])).toEqual([["f.txt", "héllo\n"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
