/**
 * Step "exec" of Pods and Nodes, typed into a real terminal: the check sees the container shell
 * as soon as the learner is in it (`kubectl exec -ti … -- bash`), not only after `exit`.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../shell/types";
import { clusterSession, typedTab } from "../terminal/testing";
import { evaluate, evaluateLesson } from "./checks";
import { loadCourse } from "./loader";

const course = loadCourse(fileURLToPath(new URL("../../courses/kubernetes-basics", import.meta.url)));
const lesson = course.lessons.find((l) => l.id === "pods-and-nodes")!;
const step = lesson.steps.find((s) => s.id === "exec")!;

describe("the exec step while the learner is inside the container shell", () => {
  it("is done once the shell opens, and the line is journaled again with its exit code on exit", async () => {
    const { scheduler, cluster, ws: station } = clusterSession(5);
    const {
      term,
      journal,
      screen,
      type: keys,
    } = typedTab(station.openShell("1"), {
      clock: scheduler.clock,
      scheduler,
      tty: true,
      tab: "1",
    });
    const api = (req: Parameters<typeof cluster.handle>[0]) => cluster.handle(req);
    const type = (line: string) => keys(`${line}\r`);

    await type("export POD_NAME=$(kubectl get pods -o name | cut -d/ -f2)");
    await type("kubectl exec $POD_NAME -- env");
    expect(evaluate(step, { journal, api }).missing.map((m) => m.en)).toEqual([
      "You have not opened a shell in the container with `kubectl exec -ti $POD_NAME -- bash` yet",
    ]);

    await type("kubectl exec -ti $POD_NAME -- bash");
    expect(screen()).toMatch(/root@kubernetes-bootcamp-[a-z0-9-]+:\/# $/);
    const opened = journal.at(-1);
    expect(opened?.inProgress).toBe(true);
    expect(opened?.commands[0]?.slice(0, 3)).toEqual(["kubectl", "exec", "-ti"]);
    const inside = evaluateLesson(lesson, { journal, api }, new Set(["check-app", "view-app", "view-logs"]));
    expect(inside.newlyCompleted).toEqual(["exec"]);
    expect(inside.current).toBeNull();

    await type("exit");
    const closed = journal.filter((e) => e.line === "kubectl exec -ti $POD_NAME -- bash");
    expect(closed.map((e) => [e.inProgress ?? false, e.exitCode])).toEqual([
      [true, 0],
      [false, 0],
    ]);
    term.dispose();
    station.dispose();
  });
});

describe("a line still in progress", () => {
  it("matches a command check without an exit code, never one that asks for one", () => {
    const entry: JournalEntry = {
      tab: "1",
      line: "kubectl exec -ti p -- bash",
      commands: [["kubectl", "exec", "-ti", "kubernetes-bootcamp-abc-12345", "--", "bash"]],
      exitCode: 0,
      output: "",
      at: 1,
      inProgress: true,
    };
    const api = () => ({ status: 404, headers: {}, body: "" });
    const run = ["kubectl", "exec", "-ti", "<*>", "--", "<*>bash"];
    expect(evaluate({ checks: [{ kind: "command", run }] }, { journal: [entry], api }).done).toBe(true);
    expect(
      evaluate({ checks: [{ kind: "command", run, exitCode: 0 }] }, { journal: [entry], api }).done,
    ).toBe(false);
  });
});
