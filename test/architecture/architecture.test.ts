/**
 * The architecture rules must fail on a violation: every fixture under fixtures/lib/<folder>/
 * stands in for a file of that core folder and names, in its `// arch-expect:` line, the
 * violations dependency-cruiser (layer rules, .dependency-cruiser.cjs) and Biome (clock and
 * randomness rules, biome.json overrides) must report for it — no more, no fewer. A fixture that
 * expects nothing proves the rules leave the core's ordinary ways alone.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const fixtures = "test/architecture/fixtures";
const bin = (name: string) => path.join(root, "node_modules/.bin", name);

function fixtureFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? fixtureFiles(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : [],
  );
}

const files = fixtureFiles(fixtures);
const expected = new Map(
  files.map((f) => {
    const m = /^\/\/ arch-expect:(.*)$/m.exec(readFileSync(path.join(root, f), "utf8"));
    if (!m) throw new Error(`${f}: no "// arch-expect:" line`);
    return [f, m[1]!.trim().split(/\s+/).filter(Boolean).sort()];
  }),
);
const reported = new Map<string, string[]>(files.map((f) => [f, []]));

/** Runs a tool that exits non-zero when it finds violations; returns its standard output. */
async function report(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await run(cmd, args, { cwd, maxBuffer: 64 << 20 })).stdout;
  } catch (err) {
    const out = (err as { stdout?: string }).stdout;
    if (!out) throw err;
    return out;
  }
}

interface CruiseResult {
  summary: {
    violations: Array<{ from: string; rule: { name: string }; cycle?: Array<{ name: string }> }>;
  };
}
interface BiomeReport {
  diagnostics: Array<{ category: string; location: { path: string } }>;
}

let scratch = "";

beforeAll(async () => {
  // Layer rules: the fixtures are cruised in place, so `@/…` and `../../server/…` resolve against
  // the real tree exactly as a core file's imports would.
  const cruise = JSON.parse(
    await report(bin("depcruise"), ["-c", ".dependency-cruiser.cjs", "-T", "json", fixtures], root),
  ) as CruiseResult;
  for (const v of cruise.summary.violations) {
    // A cycle is one violation, reported from where the cruise entered it: count it for each member.
    const members = new Set([v.from, ...(v.cycle ?? []).map((c) => c.name)]);
    for (const m of members) reported.get(m)?.push(v.rule.name);
  }

  // Clock rules: Biome's overrides match paths relative to its configuration, so the fixtures
  // are linted in a scratch tree laid out as the repository (fixtures/lib/x → lib/x) under the
  // repository's own biome.json and plugin.
  scratch = mkdtempSync(path.join(tmpdir(), "arch-"));
  cpSync(path.join(root, fixtures, "lib"), path.join(scratch, "lib"), { recursive: true });
  cpSync(path.join(root, "lint"), path.join(scratch, "lint"), { recursive: true });
  const config = JSON.parse(readFileSync(path.join(root, "biome.json"), "utf8")) as Record<string, unknown>;
  delete config.$schema;
  config.vcs = { enabled: false };
  config.files = {};
  writeFileSync(path.join(scratch, "biome.json"), JSON.stringify(config));
  const lint = JSON.parse(
    await report(bin("biome"), ["lint", "--reporter=json", "--max-diagnostics=none", "lib"], scratch),
  ) as BiomeReport;
  for (const d of lint.diagnostics) reported.get(`${fixtures}/${d.location.path}`)?.push(d.category);
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("architecture rules refuse each violation in their fixture", () => {
  it("has fixtures for both tools", () => {
    expect(files.length).toBeGreaterThan(10);
    const all = [...expected.values()].flat();
    expect(all).toContain("core-no-upper-layers");
    expect(all).toContain("plugin");
  });
  it.each(files)("%s", (file) => {
    expect(reported.get(file)!.sort()).toEqual(expected.get(file));
  });
});
