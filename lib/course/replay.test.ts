import { describe, expect, it } from "vitest";
import { ManualClock } from "../cluster/types";
import { standInProxy } from "../shell/harness";
import type { Machine, Program } from "../shell/types";
import { createWorkstation } from "../shell/workstation";
import { ManualScheduler, replayLesson } from "./replay";
import type { Lesson } from "./schema";

const text = { ja: "x", en: "x" };

/** Just enough kubectl for the harness: `proxy` serves /version until Ctrl-C, `wait` takes 30 s. */
const fakeKubectl: Program = async (io) => {
  if (io.argv[1] === "proxy")
    return standInProxy(io, () => '{"gitVersion": "v1.32.0"}\n', { "content-type": "application/json" });
  if (io.argv[1] === "get") {
    io.stdout("kubernetes-bootcamp-9bc58d867-2tqkn\n");
    return 0;
  }
  if (io.argv[1] === "wait") {
    const started = io.clock.now();
    await new Promise<void>((resolve) => io.scheduler.setTimeout(resolve, 30_000));
    io.stdout(`waited ${io.clock.now() - started}\n`);
    return 0;
  }
  io.stderr("error: unknown\n");
  return 1;
};

function setup() {
  const pods = JSON.stringify({ items: [{ metadata: { name: "kubernetes-bootcamp-9bc58d867-2tqkn" } }] });
  const clock = new ManualClock(Date.UTC(2026, 10, 30, 3, 0, 0));
  const scheduler = new ManualScheduler(clock);
  const machine: Machine = {
    api: (req) =>
      req.path === "/api/v1/namespaces/default/pods"
        ? { status: 200, headers: {}, body: pods }
        : { status: 404, headers: {}, body: "" },
    net: () => ({ kind: "refused" }),
    listen: () => false,
    unlisten: () => {},
  };
  const ws = createWorkstation({ machine, clock, scheduler, programs: { kubectl: fakeKubectl } });
  return { clock, scheduler, openShell: (tab: string) => ws.openShell(tab), api: machine.api };
}

type Step = Lesson["steps"][number];

/** A lesson step for the replay (its title and body do not matter); bare lines are typed in tab 1. */
const step = (
  id: string,
  checks: Step["checks"],
  solution: (string | { tab: string; line: string })[],
): Step => ({
  id,
  title: text,
  body: text,
  checks,
  solution: solution.map((line) => (typeof line === "string" ? { tab: "1", line } : line)),
});

/** Replays `steps` on a fresh workstation. */
const replay = (...steps: Step[]) => replayLesson({ steps }, setup());

describe("replayLesson", () => {
  it("runs a foreground proxy in tab 2, curls it from tab 1 and completes the steps", async () => {
    const result = await replay(
      step(
        "proxy",
        [{ kind: "output", pattern: '"gitVersion"', run: ["curl", "<*>:8001/version"] }],
        [{ tab: "2", line: "kubectl proxy" }, "curl http://localhost:8001/version"],
      ),
      step(
        "wait",
        [{ kind: "output", pattern: "^waited 30000$", run: ["kubectl", "wait"] }],
        ["kubectl wait"],
      ),
    );
    expect(result.pending).toEqual({});
    expect(result.completed).toEqual(["proxy", "wait"]);
    const proxy = result.journal.find((e) => e.line === "kubectl proxy");
    // The proxy finished only when the replay pressed Ctrl-C at the end.
    expect(result.journal.at(-1)).toBe(proxy);
    expect(proxy?.output).toBe("Starting to serve on 127.0.0.1:8001\n");
  });

  it("sees the expanded argv of a command substitution, as the shell journals it", async () => {
    const result = await replay(
      step(
        "pod-name",
        [
          { kind: "command", run: ["export", "POD_NAME=<pod>"] },
          { kind: "command", run: ["kubectl", "get", "pods", "-o", "go-template", "--template=<any>"] },
          { kind: "output", pattern: "^Name of the Pod: kubernetes-bootcamp-9bc58d867-2tqkn$" },
        ],
        [
          `export POD_NAME=$(kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}')`,
          "echo Name of the Pod: $POD_NAME",
        ],
      ),
    );
    expect(result.pending).toEqual({});
    expect(result.completed).toEqual(["pod-name"]);
  });

  it("reports the checks of steps that did not complete", async () => {
    const result = await replay(
      step(
        "broken",
        [{ kind: "command", run: ["kubectl", "delete", "pods", "..."], exitCode: 0 }],
        ["kubectl delete pods x"],
      ),
    );
    expect(result.completed).toEqual([]);
    expect(result.pending["broken"]?.missing[0]?.en).toBe("Run `kubectl delete pods` successfully");
  });
});
