/**
 * For tests: the real kubectl v1.32 client against a simulated cluster served over HTTP by
 * scripts/api-server.ts, with an empty kubeconfig and its own HOME and cache directory.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { Cluster } from "../lib/cluster";
import { serveApi } from "./api-server";

/** Whether a kubectl client is on PATH (the real-kubectl suites are skipped without it). */
export function hasKubectl(): boolean {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
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
    run: (rest, stdin) =>
      new Promise((resolve) => {
        const child = spawn("kubectl", args(rest), { env, timeout: 20_000 });
        let out = "";
        let err = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
        });
        child.stderr.on("data", (c: Buffer) => {
          err += c.toString();
        });
        child.on("close", (code) => resolve({ code: code ?? 1, out, err }));
        // kubectl may end before reading its input
        child.stdin.on("error", () => {});
        child.stdin.end(stdin ?? "");
      }),
  };
}
