/**
 * `npm run test:stress`: the long versions of the suites. Today: 100,000 hostile-input lines
 * through the terminal and the shell (test/stress/hostile-input.ts), with their figure printed.
 * `-- --lines N --seed S` to change the run.
 */
import { formatFigures, HostileFailure, runHostile } from "./hostile-input";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) ? v : fallback;
}

const count = arg("lines", 100_000);
const seed = arg("seed", 20261202);

try {
  let last = 0;
  const f = await runHostile({
    count,
    seed,
    heapLimitMiB: 1024,
    onProgress: (done, fig) => {
      if (done - last >= 10_000 || done === count) {
        last = done;
        console.log(`  … ${formatFigures(fig)}`);
      }
    },
  });
  console.log(formatFigures(f));
  console.log(`hostile: ${f.lines} passed, 0 failed`);
} catch (e) {
  console.error(e instanceof HostileFailure ? `✘ ${e.message}` : e);
  process.exit(1);
}
