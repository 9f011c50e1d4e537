/**
 * `npm run test:stress`: the long versions of the suites, each printing its figure.
 * - hostile: 100,000 hostile-input lines through the terminal and the shell (hostile-input.ts);
 *   `--lines N --seed S` to change the run, `--from N` (a multiple of 250) to start at line N,
 *   `--count N` to run N lines from there; `HOSTILE_SLOW=ms` prints every line slower than that.
 * - noisy: the noisy-neighbour suite at full size (scale to 100,000 replicas, 128 KB typed key
 *   by key, …) with 200 bystander samples per attack (server/noisy-neighbour.int.test.ts).
 * - outage: 20 s without the database while 50 students type (server/outage.int.test.ts).
 * - crash: five kill -9 / restart rounds of the real server (server/crash.int.test.ts).
 * `--only hostile,noisy` runs some of them. The database suites run on a fresh test database.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, stopTestServer } from "../../scripts/test-db";
import { formatFigures, HostileFailure, runHostile } from "./hostile-input";

const root = fileURLToPath(new URL("../..", import.meta.url));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) ? v : fallback;
}

const onlyAt = process.argv.indexOf("--only");
const only = onlyAt >= 0 ? new Set((process.argv[onlyAt + 1] ?? "").split(",")) : null;
const wanted = (suite: string) => only === null || only.has(suite);

async function hostile(): Promise<void> {
  const from = arg("from", 0);
  // --count N: N lines from --from on; --lines N: the run's first N lines (both from the same sample)
  const count = process.argv.includes("--count") ? from + arg("count", 0) : arg("lines", 100_000);
  const seed = arg("seed", 20261202);
  let last = 0;
  const f = await runHostile({
    count,
    seed,
    from,
    heapLimitMiB: 1024,
    onProgress: (done, fig) => {
      if (done - last >= 10_000 || done === count - from) {
        last = done;
        console.log(`  … ${formatFigures(fig)}`);
      }
    },
  });
  console.log(formatFigures(f));
  console.log(`hostile: ${f.lines} passed, 0 failed`);
}

/** One integration suite on a fresh database, with its long settings. */
async function integration(file: string, env: Record<string, string>): Promise<void> {
  const db = await createTestDatabase("kubeclass_stress");
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        path.join(root, "node_modules/.bin/vitest"),
        ["run", "--project", "integration", file, "--testTimeout", "3600000"],
        { cwd: root, stdio: "inherit", env: { ...process.env, ...env, TEST_DATABASE_URL: db.url } },
      );
      child.on("close", resolve);
    });
    if (code !== 0) throw new Error(`${file} failed`);
  } finally {
    await db.drop();
  }
}

let failed = false;
const suites: [string, () => Promise<void>][] = [
  ["hostile", hostile],
  ["noisy", () => integration("server/noisy-neighbour.int.test.ts", { NOISY_LONG: "1" })],
  ["outage", () => integration("server/outage.int.test.ts", { OUTAGE_STUDENTS: "50" })],
  ["crash", () => integration("server/crash.int.test.ts", { CRASH_ROUNDS: "5" })],
];
for (const [name, run] of suites) {
  if (!wanted(name)) continue;
  console.log(`\n▶ stress: ${name}`);
  try {
    await run();
  } catch (e) {
    failed = true;
    console.error(e instanceof HostileFailure ? `✘ ${e.message}` : e);
  }
}
await stopTestServer();
if (failed) process.exit(1);
