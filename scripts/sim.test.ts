/**
 * The simulator CLI as a lesson author uses it: print a lesson's solution, pipe it back in, and
 * read which steps the server's checks saw done (a real child process, as from a shell).
 */
import { spawnSync } from "node:child_process";
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
  });
});
