/**
 * For tests: the real kubectl v1.32 client (the oracle, see kubectlOracle) against a simulated cluster served over HTTP by
 * server/kube-api, with an empty kubeconfig and its own HOME and cache directory.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { Cluster } from "../lib/cluster";
import { serveApi } from "../server/kube-api";

/** The kubectl minor version our kubectl answers as; an oracle of another minor is not trusted. */
export const ORACLE_MINOR = 32;

/** The real kubectl the differential suites compare against, or why there is none. */
export type KubectlOracle =
  | { ok: true; bin: string; version: string; upstream: boolean }
  | { ok: false; reason: string };

function onPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    const p = join(dir || ".", name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

function clientVersion(bin: string): { gitVersion: string; minor: number } | string {
  try {
    const out = execFileSync(bin, ["version", "--client", "-o", "json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 10_000,
    });
    const v = (JSON.parse(out) as { clientVersion?: { gitVersion?: string; minor?: string } }).clientVersion;
    // a vendor build says e.g. minor "32+"
    return { gitVersion: v?.gitVersion ?? "unknown", minor: Number.parseInt(v?.minor ?? "", 10) };
  } catch (err) {
    return err instanceof Error ? err.message.split("\n")[0]! : String(err);
  }
}

let oracle: KubectlOracle | undefined;

/**
 * Picks the real kubectl to compare with: the upstream build `kubectl.1.32` beside the kubectl on
 * PATH when there is one (a vendor build on PATH may differ in its words), else the kubectl on
 * PATH — each only if it answers as a v1.32 client. The answer is kept for the process.
 */
export function kubectlOracle(): KubectlOracle {
  oracle ??= pickOracle();
  return oracle;
}

/** kubectlOracle's choice for a given PATH (exported for its test). */
export function pickOracle(searchPath = process.env.PATH ?? ""): KubectlOracle {
  const path = onPath("kubectl", searchPath);
  if (!path) return { ok: false, reason: "no kubectl on PATH" };
  const candidates = [join(dirname(realpathSync(path)), `kubectl.1.${ORACLE_MINOR}`), path];
  const rejected: string[] = [];
  for (const bin of candidates) {
    if (bin !== path && !existsSync(bin)) continue;
    const v = clientVersion(bin);
    if (typeof v === "string") rejected.push(`${bin} does not answer \`version --client\` (${v})`);
    else if (v.minor !== ORACLE_MINOR)
      rejected.push(`${bin} is ${v.gitVersion}, not a v1.${ORACLE_MINOR} client`);
    else return { ok: true, bin, version: v.gitVersion, upstream: bin !== path };
  }
  return { ok: false, reason: rejected.join("; ") };
}

/** One line for logs: which binary is the oracle, or why the real-kubectl cases are skipped. */
export function describeOracle(suite: string): string {
  const o = kubectlOracle();
  return o.ok
    ? `${suite}: oracle is ${o.bin} (${o.version}${o.upstream ? ", upstream build" : ""})`
    : `${suite}: SKIPPED, no trusted kubectl v1.${ORACLE_MINOR}: ${o.reason}`;
}

/** The oracle's binary; only call where the suite is not skipped. */
export function oracleBin(): string {
  const o = kubectlOracle();
  if (!o.ok) throw new Error(`no kubectl oracle: ${o.reason}`);
  return o.bin;
}

/** Whether util-linux `script` is there to give kubectl a pseudo-terminal (`exec -ti` tests). */
export function hasScript(): boolean {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface KubectlResult {
  code: number;
  out: string;
  err: string;
}

export interface RealKubectl {
  /** The environment kubectl runs in (KUBECONFIG and HOME in a fresh directory). */
  readonly env: NodeJS.ProcessEnv;
  /** kubectl's arguments preceded by the served cluster's address and the cache directory. */
  args(rest: string[]): string[];
  /** Runs kubectl to its end (20 s at most) with `stdin` piped in (empty by default). */
  run(rest: string[], stdin?: string): Promise<KubectlResult>;
}

/** A running oracle: what it printed so far, and its exit code once it ends. */
export interface RunningKubectl {
  child: ChildProcessWithoutNullStreams;
  out(): string;
  err(): string;
  exited: Promise<number>;
}

/**
 * Starts the oracle (a long-running `get -w`, `logs -f`; ended after `timeoutMs` if given); its
 * output streams are kept apart.
 */
export function startOracle(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): RunningKubectl {
  // argv0: kubectl names itself after argv[0] in its messages; a learner's is called kubectl
  const child = spawn(oracleBin(), args, {
    env: opts.env ?? process.env,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
    argv0: "kubectl",
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    err += c.toString();
  });
  // kubectl may end before reading its input
  child.stdin.on("error", () => {});
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  return { child, out: () => out, err: () => err, exited };
}

/**
 * Runs the oracle to its end (`timeoutMs`, 20 s by default) with `stdin` piped in (empty by
 * default); its output streams are kept apart.
 */
export async function runOracle(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<KubectlResult> {
  const { stdin, ...rest } = opts;
  const running = startOracle(args, { ...rest, timeoutMs: opts.timeoutMs ?? 20_000 });
  running.child.stdin.end(stdin ?? "");
  const code = await running.exited;
  return { code, out: running.out(), err: running.err() };
}

/**
 * Serves `cluster` for the enclosing describe block (beforeAll/afterAll) and returns how to run
 * the real kubectl against it; `label` names the temporary directory.
 */
export function serveToRealKubectl(cluster: Cluster, label: string): RealKubectl {
  let server: Awaited<ReturnType<typeof serveApi>> | undefined;
  let dir = "";
  let env: NodeJS.ProcessEnv = process.env;

  beforeAll(async () => {
    server = await serveApi(cluster, "127.0.0.1", 0);
    dir = mkdtempSync(join(tmpdir(), `kubeclass-${label}-`));
    writeFileSync(join(dir, "config"), "");
    env = { ...process.env, KUBECONFIG: join(dir, "config"), HOME: dir };
  });

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const args = (rest: string[]): string[] => [
    `--server=http://127.0.0.1:${server?.port ?? 0}`,
    `--cache-dir=${join(dir, "cache")}`,
    ...rest,
  ];

  return {
    get env() {
      return env;
    },
    args,
    run: (rest, stdin) => runOracle(args(rest), { env, stdin }),
  };
}

// `tsx scripts/real-kubectl.ts`: says which kubectl the differential suites will trust (.ci/run).
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(new URL(import.meta.url).pathname))
  console.log(describeOracle("differential suites"));
