/**
 * The check after a long line takes the student's turns (issue 12): its reading of the line's
 * commands (LessonProgress.prepare) yields through the student's own scheduler, as the line's
 * slices do, and the lines are still checked — and reported — in the order they finished. Here
 * every piece of that reading is a whole slice (SLICE_MS 0 for the session's pace; the shell
 * keeps its own), and the server's turns are a recording copy, so the test sees each yield and
 * whose account it is charged to.
 */
import { describe, expect, it, vi } from "vitest";
import type { LineResult } from "./workspace-core";
import { WorkspaceCore } from "./workspace-core";

const turns = vi.hoisted(() => ({ log: [] as Array<{ account: number; ms: number }>, accounts: 0 }));

vi.mock("../lib/shell/interp", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/shell/interp")>()),
  SLICE_MS: 0,
}));

vi.mock("./slices", async (importOriginal) => {
  const real = await importOriginal<typeof import("./slices")>();
  const inner = real.createSlices(null);
  return {
    ...real,
    slices: {
      yielder() {
        const account = ++turns.accounts;
        const y = inner.yielder();
        return (ms = 0) => {
          turns.log.push({ account, ms });
          return y(ms);
        };
      },
    },
  };
});

const LONG = "i=0; while [ $i -lt 200 ]; do kubectl get pods -o name > /dev/null; i=$((i+1)); done";

describe("the check after a long line", () => {
  it("reads the line's commands in the student's turns, and reports lines in the order they ended", async () => {
    const lines: LineResult[] = [];
    let screen = "";
    const core = new WorkspaceCore(
      "kubernetes-basics",
      { kind: "new", scenario: "explore-app", seed: 3, prompt: { user: "u", host: "minikube" } },
      { output: (_tab, data) => (screen += data), line: (r) => lines.push(r) },
    );
    try {
      await core.openTab("1", 80, 24);
      core.join("pods-and-nodes", { journal: [], tallies: [] });
      const prompts = () => screen.split("$ ").length;
      const until = async (ok: () => boolean) => {
        for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setImmediate(r));
        expect(ok()).toBe(true);
      };

      const before = prompts();
      core.input("1", `${LONG}\r`);
      await until(() => prompts() > before);
      // the prompt is back; the line's check is still taking its turns
      const atPrompt = turns.log.length;
      expect(lines).toHaveLength(0);
      core.input("1", "kubectl describe pods > /dev/null\r");
      await until(() => lines.length === 2);
      expect(lines.map((l) => l.entry.line)).toEqual([LONG, "kubectl describe pods > /dev/null"]);
      // 401 commands, 200 of them kubectl's: a yield every 16 commands read (25; the first
      // may come before the prompt is written)
      const checkYields = turns.log.length - atPrompt;
      expect(checkYields).toBeGreaterThanOrEqual(20);
      // all charged to the one student (the tab's line and its check alike)
      expect(new Set(turns.log.map((t) => t.account)).size).toBe(1);
      // the verdicts are the lines' own: both kubectl commands of check-app were run
      expect(lines[1]?.outcome.newlyCompleted).toEqual(["check-app"]);
      console.log(`long line's check: ${checkYields} yields after its prompt`);
    } finally {
      core.dispose();
    }
  });
});
