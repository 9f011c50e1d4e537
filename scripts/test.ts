/**
 * `npm test`: everything, in order of cost — typecheck, lint, architecture rules, unit tests,
 * integration tests against a real PostgreSQL, then Playwright end-to-end specs in Chromium.
 * `npm test -- --skip-e2e` stops before the browser.
 */
import { spawn } from "node:child_process";
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

function run(name: string, cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const t0 = performance.now();
  console.log(`\n▶ ${name}: ${path.basename(cmd)} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", reject);
    child.on("exit", (code) => {
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      if (code === 0) {
        console.log(`✔ ${name} (${s} s)`);
        resolve();
      } else reject(new Error(`${name} failed (exit ${code}, ${s} s)`));
    });
  });
}

const failures: string[] = [];

/** Runs a step; a failure is recorded and the remaining steps still run, so one run shows all. */
async function step(
  name: string,
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<boolean> {
  try {
    await run(name, cmd, args, env);
    return true;
  } catch (err) {
    console.error(`✘ ${err instanceof Error ? err.message : String(err)}`);
    failures.push(name);
    return false;
  }
}

async function main() {
  const dbs: TestDatabase[] = [];
  try {
    await run("prisma generate", bin("prisma"), ["generate"], {
      DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://localhost/unused",
    });
    if (intOnly) {
      const it = await createTestDatabase("kubeclass_it");
      dbs.push(it);
      await step("integration tests", bin("vitest"), ["run", "--project", "integration", ...extraArgs], {
        TEST_DATABASE_URL: it.url,
      });
    } else if (!e2eOnly) {
      await step("typecheck", bin("tsc"), ["--noEmit", "-p", "."]);
      await step("lint", bin("biome"), ["check", "."]);
      // Layer rules (dependency-cruiser) and the core's clock rules (Biome): `npm run arch`.
      await step("architecture", "npm", ["run", "--silent", "arch"]);
      await step("unit tests", bin("vitest"), ["run", "--project", "unit"]);
      const it = await createTestDatabase("kubeclass_it");
      dbs.push(it);
      await step("integration tests", bin("vitest"), ["run", "--project", "integration"], {
        TEST_DATABASE_URL: it.url,
      });
    }
    if (!skipE2e && !intOnly) {
      const built = e2eOnly || (await step("build", bin("next"), ["build"], { NODE_ENV: "production" }));
      if (built) {
        const e2e = await createTestDatabase("kubeclass_e2e");
        dbs.push(e2e);
        await step("e2e", bin("playwright"), ["test", ...playwrightArgs], { E2E_DATABASE_URL: e2e.url });
      }
    }
    if (failures.length) throw new Error(`failed: ${failures.join(", ")}`);
    console.log("\nAll tests passed.");
  } finally {
    for (const d of dbs) await d.drop().catch((e: unknown) => console.error("drop failed:", e));
    await stopTestServer();
  }
}

main().catch((err: unknown) => {
  console.error(`\n✘ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
