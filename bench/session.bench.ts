/**
 * A student's session end to end in the pure core: a typed line through the terminal, the shell
 * and kubectl to the cluster and back as terminal bytes; saving and restoring the session.
 */
import { Cluster } from "../lib/cluster";
import { ManualClock } from "../lib/cluster/types";
import type { Scheduler } from "../lib/shell/types";
import { clusterWorkstation, createTerminal } from "../lib/terminal";
import { type BenchRow, getGc, msRow } from "./measure";

const T0 = Date.parse("2026-11-30T03:00:00Z");

const scheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

function session(seed: number) {
  const clock = new ManualClock(T0);
  const cluster = Cluster.create({ scenario: "explore-app", seed, clock });
  const station = clusterWorkstation(cluster, { clock, scheduler });
  let out = "";
  const term = createTerminal({
    shell: station.openShell("1"),
    clock,
    scheduler,
    tty: true,
    columns: 120,
    rows: 30,
    onOutput: (d) => {
      out += d;
    },
  });
  const take = (): string => {
    const s = out;
    out = "";
    return s;
  };
  return { cluster, station, term, clock, take };
}

async function timeLine(line: string, n: number): Promise<number[]> {
  const s = session(7);
  const samples: number[] = [];
  for (let i = 0; i < n + 20; i++) {
    const t = performance.now();
    s.term.input(`${line}\r`);
    await s.term.idle();
    if (i >= 20) samples.push(performance.now() - t);
    s.take();
  }
  s.term.dispose();
  s.station.dispose();
  return samples;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  rows.push(
    msRow(
      "session: `kubectl get pods` keystrokes → bytes",
      await timeLine("kubectl get pods", 300),
      "p95 ≤ 5",
    ),
  );
  rows.push(
    msRow("session: `kubectl describe pods`", await timeLine("kubectl describe pods", 200), "p95 ≤ 10"),
  );
  rows.push(
    msRow(
      "session: `export POD_NAME=$(… go-template …)`",
      await timeLine(
        `export POD_NAME=$(kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}')`,
        200,
      ),
      "p95 ≤ 10",
    ),
  );

  const s = session(9);
  s.term.input("kubectl get pods\r");
  await s.term.idle();
  const save: number[] = [];
  const restore: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 200; i++) {
    let t = performance.now();
    const json = s.cluster.snapshot();
    const ws = JSON.stringify(s.station.toJSON());
    save.push(performance.now() - t);
    bytes = json.length + ws.length;
    t = performance.now();
    Cluster.restore(json, s.clock);
    restore.push(performance.now() - t);
  }
  rows.push(msRow("session: snapshot cluster + workstation", save, "p95 ≤ 2 (after every line)"));
  rows.push(msRow("session: restore cluster from snapshot", restore, "p95 ≤ 5"));
  rows.push({
    name: "session: snapshot size (explore-app)",
    median: bytes / 1024,
    p95: bytes / 1024,
    unit: "KB",
    goal: "≤ 64 (one Postgres row)",
  });
  s.term.dispose();
  s.station.dispose();

  // What a live student costs the server while idle: cluster + workstation + one open terminal.
  const gc = getGc();
  const alive = 2000;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const keep: Array<ReturnType<typeof session>> = [];
  for (let i = 0; i < alive; i++) {
    const live = session(20_000 + i);
    live.take();
    keep.push(live);
  }
  gc?.();
  const perKB = (process.memoryUsage().heapUsed - before) / alive / 1024;
  rows.push({
    name: `session: heap per idle live session (${alive} alive${gc ? "" : ", approximate"})`,
    median: perKB,
    p95: perKB,
    unit: "KB",
    goal: "≤ 150",
  });
  for (const k of keep) {
    k.term.dispose();
    k.station.dispose();
  }
  return rows;
}
