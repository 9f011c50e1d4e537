/**
 * `npm test`: everything — typecheck, lint, architecture rules, unit tests, integration tests
 * against a real PostgreSQL, then Playwright end-to-end specs in Chromium.
 * `npm test -- --skip-e2e` stops before the browser.
 *
 * On a 2-core CI machine the steps overlap where one leaves a core idle (ADR 0030): the static
 * checks (one core) run beside the unit tests, and `next build` then the differential suites
 * beside the other integration tests (which mostly wait on sockets, PostgreSQL and timers). A
 * step beside the one whose output streams live is buffered and printed whole when it ends, so
 * the log reads step by step.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, stopTestServer, type TestDatabase } from "./test-db";

const root = path.resolve(import.meta.dirname, "..");
const bin = (n: string) => path.join(root, "node_modules/.bin", n);
const skipE2e = process.argv.includes("--skip-e2e");
/** `--e2e-only`: just the browser specs (a fresh database, a build when stale). */
const e2eOnly = process.argv.includes("--e2e-only");
/** `--int-only`: just the integration tests, on a fresh database (`npm run test:int -- server/x`). */
const intOnly = process.argv.includes("--int-only");
/**
 * Other arguments go to Playwright (`npm run test:e2e -- e2e/course.spec.ts -g teacher`) or, with
 * --int-only, to Vitest as file filters.
 */
const extraArgs = process.argv
  .slice(2)
  .filter((a) => a !== "--skip-e2e" && a !== "--e2e-only" && a !== "--int-only" && a !== "--");
const playwrightArgs = intOnly ? [] : extraArgs;

/**
 * Runs one command. `buffered`: its output is held and printed whole when it ends (a step that
 * runs beside another whose output streams live).
 */
function run(
  name: string,
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
  buffered = false,
): Promise<void> {
  const t0 = performance.now();
  console.log(
    `\n▶ ${name}: ${path.basename(cmd)} ${args.join(" ")}${buffered ? " (output when it ends)" : ""}`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, ...env },
    });
    const out: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => out.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      if (buffered) {
        const text = Buffer.concat(out).toString().trimEnd();
        console.log(`\n── ${name} ──${text ? `\n${text}` : ""}`);
      }
      if (code === 0) {
        console.log(`✔ ${name} (${s} s)`);
        resolve();
      } else reject(new Error(`${name} failed (exit ${code}, ${s} s)`));
    });
  });
}

/**
 * Integration suites against the real `kubectl` and `bash` that use no database and no fixed
 * port: `npm test` runs them beside the other integration files (ADR 0030).
 */
const DIFFERENTIAL = ["lib/kubectl/differential.int.test.ts", "lib/shell/bash-differential.int.test.ts"];

const failures: string[] = [];

/** Where each Vitest step writes its JSON report, so that a failure can be named at the end. */
const reportDir = mkdtempSync(path.join(os.tmpdir(), "kubeclass-test-"));
const reports = new Map<string, string>();

/** Vitest's arguments plus a JSON report beside its usual output, for the summary at the end. */
function vitestArgs(step: string, args: string[]): string[] {
  const file = path.join(reportDir, `${step.replace(/\W+/g, "-")}.json`);
  reports.set(step, file);
  return [...args, "--reporter=default", "--reporter=json", `--outputFile.json=${file}`];
}

/**
 * The failed tests of the Vitest steps, one line each (file › name: first line of the error):
 * a log that keeps only its tail still says what failed.
 */
function failedTests(): string[] {
  const lines: string[] = [];
  for (const [step, file] of reports) {
    if (!failures.includes(step)) continue;
    let report: {
      testResults?: {
        name: string;
        message?: string;
        assertionResults?: { status: string; fullName: string; failureMessages?: string[] }[];
      }[];
    };
    try {
      report = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      lines.push(`  ${step}: no report (the runner itself failed; see its output above)`);
      continue;
    }
    for (const f of report.testResults ?? []) {
      const rel = path.relative(root, f.name);
      const failed = (f.assertionResults ?? []).filter((a) => a.status === "failed");
      if (!failed.length && f.message) lines.push(`  ${step}: ${rel}: ${f.message.split("\n")[0]}`);
      for (const a of failed) {
        const why = (a.failureMessages?.[0] ?? "").split("\n")[0]?.slice(0, 200);
        lines.push(`  ${step}: ${rel} › ${a.fullName}${why ? ` — ${why}` : ""}`);
      }
    }
  }
  return lines;
}

/** Runs a step; a failure is recorded and the remaining steps still run, so one run shows all. */
async function step(...command: Parameters<typeof run>): Promise<boolean> {
  try {
    await run(...command);
    return true;
  } catch (err) {
    console.error(`✘ ${err instanceof Error ? err.message : String(err)}`);
    failures.push(command[0]);
    return false;
  }
}

async function main() {
  const dbs: TestDatabase[] = [];
  let built = false;
  try {
    await run("prisma generate", bin("prisma"), ["generate"], {
      DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://localhost/unused",
    });
    if (intOnly) {
      const it = await createTestDatabase("kubeclass_it");
      dbs.push(it);
      await step(
        "integration tests",
        bin("vitest"),
        vitestArgs("integration tests", ["run", "--project", "integration", ...extraArgs]),
        {
          TEST_DATABASE_URL: it.url,
        },
      );
    } else if (!e2eOnly) {
      const t0 = performance.now();
      // Static checks (tsc and dependency-cruiser are single-threaded) beside the unit tests.
      await Promise.all([
        (async () => {
          await step("typecheck", bin("tsc"), ["--noEmit", "-p", "."], {}, true);
          await step("lint", bin("biome"), ["check", "."], {}, true);
          // Layer rules (dependency-cruiser) and the core's clock rules (Biome): `npm run arch`.
          await step("architecture", "npm", ["run", "--silent", "arch"], {}, true);
        })(),
        // Vitest's default is one worker fewer than the cores: one on a 2-core machine.
        step(
          "unit tests",
          bin("vitest"),
          vitestArgs("unit tests", ["run", "--project", "unit", `--maxWorkers=${os.availableParallelism()}`]),
        ),
      ]);
      const it = await createTestDatabase("kubeclass_it");
      dbs.push(it);
      // The integration files run one at a time (they share a database, ports and timings), but
      // the differential suites touch neither: they run, with the production build before them,
      // beside the others, which mostly wait on sockets, PostgreSQL and timers.
      const [, ok] = await Promise.all([
        step(
          "integration tests",
          bin("vitest"),
          vitestArgs("integration tests", ["run", "--project", "integration"]),
          {
            TEST_DATABASE_URL: it.url,
            INT_ELSEWHERE: DIFFERENTIAL.join(","),
          },
        ),
        (async () => {
          const built =
            !skipE2e && (await step("build", bin("next"), ["build"], { NODE_ENV: "production" }, true));
          await step(
            "differential tests",
            bin("vitest"),
            vitestArgs("differential tests", ["run", "--project", "integration", ...DIFFERENTIAL]),
            { TEST_DATABASE_URL: it.url },
            true,
          );
          return built;
        })(),
      ]);
      built = ok;
      console.log(`\n(before the browser: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    if (!skipE2e && !intOnly && (e2eOnly || built)) {
      // Two servers, each on its own database, for the two halves of the specs (playwright.config.ts).
      const e2e = await createTestDatabase("kubeclass_e2e");
      dbs.push(e2e);
      const e2eB = await createTestDatabase("kubeclass_e2e");
      dbs.push(e2eB);
      await step("e2e", bin("playwright"), ["test", ...playwrightArgs], {
        E2E_DATABASE_URL: e2e.url,
        E2E_DATABASE_URL_B: e2eB.url,
      });
    }
    if (failures.length) {
      const named = failedTests();
      if (named.length) console.error(`\nFailed tests:\n${named.join("\n")}`);
      throw new Error(`failed: ${failures.join(", ")}`);
    }
    console.log("\nAll tests passed.");
  } finally {
    for (const d of dbs) await d.drop().catch((e: unknown) => console.error("drop failed:", e));
    await stopTestServer();
    rmSync(reportDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`\n✘ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
