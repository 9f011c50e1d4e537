/**
 * Scenario templates. Building a scenario runs the whole simulation from the minikube's start
 * (~100 writes), too slow to do per student. So each scenario is built once per process with a
 * recording RNG, and every new cluster is an instance of it: the random identifiers (uids,
 * name suffixes, container ids) are redrawn from the cluster's own seed, the pod IP offset is
 * re-rolled, and all times are shifted to the new "now". The result is exactly what a fresh
 * build would have produced up to which random values were drawn.
 */
import { expandLine } from "./container-apps";
import { Sim, type SimState } from "./kernel";
import { Rng } from "./rng";
import { buildScenario } from "./scenarios";
import { ManualClock } from "./types";

interface Template {
  ref: number;
  text: string;
  tokens: Array<{ token: string; redraw: (r: Rng) => string }>;
  pattern: RegExp;
  /** Pod IPs in `default`, re-rolled per seed (other pods came and went before). */
  podIPs: string[];
  /** The learner's Services' ClusterIPs and NodePorts, redrawn per seed. */
  clusterIPs: string[];
  nodePorts: number[];
}

const REF = Date.parse("2026-01-01T00:00:00Z");
const cache = new Map<string, Template | null>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function buildTemplate(id: string): Template | null {
  const sim = new Sim(new ManualClock(REF), 0x5eed);
  const tokens: Template["tokens"] = [];
  const seen = new Set<string>();
  sim.rng.onToken = (token, redraw) => {
    if (token.length >= 5 && !seen.has(token)) {
      seen.add(token);
      tokens.push({ token, redraw });
    }
  };
  if (!buildScenario(sim, id, REF)) return null;
  sim.store.compact();
  const podIPs = sim.store
    .scan("pods", "default")
    .map((p) => p["status"]?.podIP as string | undefined)
    .filter((ip): ip is string => !!ip && ip.startsWith("10.244.0."))
    .sort((a, b) => Number(a.split(".")[3]) - Number(b.split(".")[3]));
  const services = sim.store.scan("services", "default").filter((x) => x.metadata.name !== "kubernetes");
  const clusterIPs = services.map((x) => x["spec"]?.clusterIP as string).filter((ip) => !!ip);
  const nodePorts = services.flatMap((x) =>
    ((x["spec"]?.ports ?? []) as Array<{ nodePort?: number }>).flatMap((p) =>
      p.nodePort ? [p.nodePort] : [],
    ),
  );
  const state = sim.toJSON();
  state.rng = 0;
  // Longest first so a uuid is never split by a shorter token it happens to contain.
  const sorted = [...tokens].sort((a, b) => b.token.length - a.token.length);
  const pattern = new RegExp(sorted.map((t) => escapeRegExp(t.token)).join("|"), "g");
  return { ref: REF, text: JSON.stringify(state), tokens, pattern, podIPs, clusterIPs, nodePorts };
}

const TIME = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z/g;

function shiftTimes(text: string, delta: number): string {
  const shift = (base: string, frac: string | undefined) => {
    const ms = Date.parse(`${base}${frac ?? ""}Z`) + delta;
    const iso = new Date(ms).toISOString();
    if (!frac) return iso.slice(0, 19);
    return frac.length === 4 ? iso.slice(0, 23) : `${iso.slice(0, 23)}${"0".repeat(frac.length - 4)}`;
  };
  return text.replace(TIME, (_m, base: string, frac: string | undefined) => `${shift(base, frac)}Z`);
}

/** A fresh scenario state for (`id`, `seed`) ending at `now`, or undefined for an unknown id. */
export function instantiate(id: string, seed: number, now: number): SimState | undefined {
  let t = cache.get(id);
  if (t === undefined) {
    t = buildTemplate(id);
    cache.set(id, t);
  }
  if (!t) return undefined;
  const rng = new Rng(seed);
  const fresh = new Map<string, string>();
  for (const { token, redraw } of t.tokens) fresh.set(token, redraw(rng));
  let text = t.text.replace(t.pattern, (m) => fresh.get(m) ?? m);
  let nextPodIP: number | undefined;
  if (t.podIPs.length > 0) {
    const base = 3 + rng.int(6);
    const ips = new Map(t.podIPs.map((ip, i) => [`"${ip}"`, `"10.244.0.${base + i}"`]));
    text = text.replace(/"10\.244\.0\.\d+"/g, (m) => ips.get(m) ?? m);
    nextPodIP = base + t.podIPs.length;
  }
  for (const ip of t.clusterIPs) {
    const n = 11 + rng.int((1 << 20) - 20);
    const fresh = `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    text = text.replaceAll(`"${ip}"`, `"${fresh}"`);
  }
  for (const port of t.nodePorts) {
    const fresh = 30000 + rng.int(2768);
    text = text.replaceAll(`"nodePort":${port}`, `"nodePort":${fresh}`);
  }
  const delta = now - t.ref;
  text = shiftTimes(text, delta);
  const state = JSON.parse(text) as SimState;
  state.t += delta;
  for (const q of state.queue) q.at += delta;
  if (state.limiter) state.limiter.at += delta;
  if (state.settled) state.settled.at += delta;
  for (const rs of Object.values(state.replicaSets ?? {})) {
    rs.retryAt += delta;
    if (rs.syncAt !== undefined) rs.syncAt += delta;
  }
  for (const app of Object.values(state.apps)) {
    app.startedAt += delta;
    if (app.next !== undefined) app.next += delta;
    for (const line of app.log) line[0] += delta;
    // A shell loop's lines carry their own `date` text: print them again at the shifted times.
    const loop = app.line;
    if (loop !== undefined) app.log = app.log.map(([at]) => [at, expandLine(loop, at, app.pod)]);
  }
  if (nextPodIP !== undefined) state.nextPodIP = nextPodIP;
  state.rng = rng.getState();
  return state;
}
