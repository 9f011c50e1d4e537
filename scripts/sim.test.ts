/**
 * The simulator CLI as a lesson author uses it: print a lesson's solution, pipe it back in, and
 * read which steps the server's checks saw done (a real child process, as from a shell).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));

function sim(args: string[], input = "") {
  return spawnSync(tsx, ["scripts/sim.ts", ...args], { cwd: root, input, encoding: "utf8", timeout: 60_000 });
}

describe("npm run sim --lesson", () => {
  it("replays a lesson's own solution to every step done, and says what is missing otherwise", () => {
    const solution = sim(["--lesson", "pods-and-nodes", "--solution"]);
    expect(solution.status).toBe(0);
    expect(solution.stdout).toContain("# tab 2\nkubectl proxy\n# tab 1\n");

    const replay = sim(["--lesson", "pods-and-nodes", "--fast", "--seed", "2"], solution.stdout);
    expect(replay.stderr).toContain("[kubeclass] pods-and-nodes: 4/4 steps done");
    expect(replay.status).toBe(0);

    const partial = sim(
      ["--lesson", "pods-and-nodes", "--fast"],
      "kubectl get pods\nkubectl describe pods\n",
    );
    expect(partial.stderr).toContain("step done: check-app");
    expect(partial.stderr).toContain("pods-and-nodes: 1/4 steps done");
    expect(partial.stderr).toMatch(/view-logs: Run `kubectl logs \$POD_NAME` successfully/);
    expect(partial.status).toBe(1);
  }, 90_000);

  it("refuses an unknown lesson with a clear message", () => {
    const r = sim(["--lesson", "no-such-lesson"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('sim: unknown lesson "no-such-lesson"');
  }, 30_000);
});

/** The upstream kubectl 1.32 client: the one beside kubectl on PATH when present, else kubectl. */
function kubectl132(): { bin: string } | { skip: string } {
  const which = spawnSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" });
  if (which.status !== 0 || which.stdout.trim() === "") return { skip: "no kubectl on PATH" };
  const beside = path.join(path.dirname(realpathSync(which.stdout.trim())), "kubectl.1.32");
  const bin = existsSync(beside) ? beside : "kubectl";
  const v = spawnSync(bin, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  const minor = v.status === 0 ? (JSON.parse(v.stdout).clientVersion?.minor as string) : "";
  if (!minor.startsWith("32")) return { skip: `kubectl client minor is ${minor || "unknown"}, not 1.32` };
  return { bin };
}
const real = kubectl132();
if ("skip" in real) console.warn(`skipping the sim driver test: ${real.skip}`);

describe("npm run sim driven line by line", () => {
  it.skipIf("skip" in real)(
    "runs each line as it arrives, serves --api in between, and ends when stdin closes",
    async () => {
      const MARK = "@@line-done@@";
      const addr = "127.0.0.1:3521";
      const child = spawn(tsx, ["scripts/sim.ts", "--seed", "4", "--api", addr, "--marker", MARK], {
        cwd: root,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      let waiter: (() => void) | undefined;
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        waiter?.();
      });
      child.stderr.on("data", (c: Buffer) => {
        err += c.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      /** Waits until `n` markers have been printed (the n-th line finished). */
      const markers = (n: number) =>
        new Promise<void>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`no marker ${n} in:\n${out}\n${err}`)), 30_000);
          const check = () => {
            if (out.split(`${MARK}\n`).length > n) {
              clearTimeout(t);
              waiter = undefined;
              resolve();
            }
          };
          waiter = check;
          check();
        });

      child.stdin.write("kubectl get deployments\n");
      await markers(1);
      expect(out).toContain("kubernetes-bootcamp");
      expect(out).not.toContain("hello-driver");

      // A write from the real kubectl between two lines, while stdin stays open.
      const home = mkdtempSync(path.join(tmpdir(), "kubeclass-sim-driver-"));
      try {
        const created = spawnSync(
          (real as { bin: string }).bin,
          [`--server=http://${addr}`, "create", "deployment", "hello-driver", "--image=nginx"],
          { encoding: "utf8", env: { ...process.env, HOME: home, KUBECONFIG: path.join(home, "none") } },
        );
        expect(created.stderr).toBe("");
        expect(created.stdout).toBe("deployment.apps/hello-driver created\n");
      } finally {
        rmSync(home, { recursive: true, force: true });
      }

      child.stdin.write("kubectl get deployments -o name\n");
      await markers(2);
      expect(out.split(`${MARK}\n`)[1]).toBe(
        "deployment.apps/hello-driver\ndeployment.apps/kubernetes-bootcamp\n",
      );
      child.stdin.end();
      expect(await exited).toBe(0);
    },
    60_000,
  );
});
