/**
 * lib/cluster figures: how fast a student's cluster is created, how much an idle one costs in
 * memory when many are alive, and how fast the API lists pods.
 */
import { Cluster } from "../lib/cluster";
import { ManualClock } from "../lib/cluster/types";
import { type BenchRow, getGc, msRow, timeEach } from "./measure";

const T0 = Date.parse("2026-11-30T03:00:00Z");

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const clock = new ManualClock(T0);

  // Warm up: the first create per process builds the scenario template (a full simulated boot).
  const first = performance.now();
  Cluster.create({ scenario: "explore-app", seed: 0, clock });
  const firstMs = performance.now() - first;
  for (let i = 0; i < 50; i++) Cluster.create({ scenario: "explore-app", seed: 1000 + i, clock });
  const create = timeEach(300, (i) => Cluster.create({ scenario: "explore-app", seed: i + 1, clock }));
  rows.push(msRow("cluster: Cluster.create('explore-app')", create, "p95 ≤ 5"));
  rows.push({
    name: "cluster: first create (builds template)",
    median: firstMs,
    p95: firstMs,
    unit: "ms",
    goal: "once per process",
  });

  const cluster = Cluster.create({ scenario: "explore-app", seed: 42, clock });
  const req = {
    method: "GET" as const,
    path: "/api/v1/namespaces/default/pods",
    query: new URLSearchParams({ limit: "500" }),
    headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" },
  };
  for (let i = 0; i < 200; i++) cluster.handle(req);
  const list = timeEach(2000, () => cluster.handle(req));
  rows.push(msRow("cluster: list pods (Table) via handler", list, "p50 ≤ 0.2"));

  const gc = getGc();
  const alive = 10_000;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const keep: Cluster[] = [];
  for (let i = 0; i < alive; i++)
    keep.push(Cluster.create({ scenario: "explore-app", seed: 5000 + i, clock }));
  gc?.();
  const after = process.memoryUsage().heapUsed;
  const perKB = (after - before) / alive / 1024;
  rows.push({
    name: `cluster: retained heap per idle cluster (${alive} alive${gc ? "" : ", no gc: approximate"})`,
    median: perKB,
    p95: perKB,
    unit: "KB",
    goal: "≤ 100",
  });
  keep.length = 0;
  return rows;
}
