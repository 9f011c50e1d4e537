/**
 * `npx tsx scripts/api-server.ts [--scenario ID] [--seed N] [--port P]`: serves a fresh simulated
 * cluster's Kubernetes API on loopback (server/kube-api), for the real kubectl or any client:
 * `kubectl --server=http://127.0.0.1:PORT get pods`.
 */
import { Cluster } from "../lib/cluster";
import { serveApi } from "../server/kube-api";

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const cluster = Cluster.create({
  scenario: opt("--scenario") ?? "explore-app",
  seed: Number(opt("--seed") ?? "1"),
  clock: { now: () => Date.now() },
});
const s = await serveApi(cluster, "127.0.0.1", Number(opt("--port") ?? "0"));
console.log(`serving on http://127.0.0.1:${s.port}`);
