/**
 * What a worker-thread shard would add to every command line: one postMessage of the line to a
 * worker and one of its output back (structured clone both ways). Prints p50/p99 per output size.
 * `npx tsx test/stress/worker-roundtrip.ts` (figures quoted in docs/adr/0010-student-work-isolation.md).
 */
import { Worker } from "node:worker_threads";

const WORKER = `
const { parentPort } = require("node:worker_threads");
const outputs = new Map();
parentPort.on("message", (m) => {
  let output = outputs.get(m.size);
  if (output === undefined) outputs.set(m.size, (output = "x".repeat(m.size)));
  parentPort.postMessage({ tab: m.tab, output, exitCode: 0 });
});
`;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const worker = new Worker(WORKER, { eval: true });
  const line = "kubectl get pods -o wide | grep Running";
  console.log("| output | p50 | p99 | mean | round trips |");
  console.log("|---|---|---|---|---|");
  for (const size of [100, 4096, 65_536, 1_048_576]) {
    const times: number[] = [];
    const n = size >= 1_048_576 ? 200 : 5000;
    for (let i = 0; i < n + 100; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        worker.once("message", () => resolve());
        worker.postMessage({ tab: "1", line, size });
      });
      if (i >= 100) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(
      `| ${size >= 1024 ? `${size / 1024} KiB` : `${size} B`} | ${(pct(times, 50) * 1000).toFixed(0)} µs | ${(pct(times, 99) * 1000).toFixed(0)} µs | ${(mean * 1000).toFixed(0)} µs | ${n} |`,
    );
  }
  await worker.terminate();
}

await main();
