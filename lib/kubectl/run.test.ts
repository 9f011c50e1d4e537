/**
 * `kubectl run -it --rm` cannot be compared with the real client (it attaches through a
 * streaming protocol the test API server does not speak): its messages are checked here, with
 * upstream v1.32's words, on a simulated cluster whose clock the scheduler advances.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { ManualClock } from "../cluster/types";
import type { ContainerShellHost } from "./cmd/exec";
import { fakeMachine, runKubectl } from "./testing";

function setup() {
  const clock = new ManualClock(Date.parse("2026-12-02T10:00:00Z"));
  const cluster = Cluster.create({ scenario: "explore-app", seed: 4, clock });
  const entered: unknown[] = [];
  const machine = Object.assign(fakeMachine(cluster.handle), {
    enterContainer: async (req: unknown): Promise<number> => {
      entered.push(req);
      return 0;
    },
  } satisfies ContainerShellHost);
  const scheduler = {
    setTimeout: (fn: () => void, ms: number): unknown => {
      clock.set(clock.now() + ms);
      cluster.tick();
      queueMicrotask(fn);
      return 0;
    },
    clearTimeout: () => {},
  };
  const podExists = (name: string): boolean =>
    cluster.handle({ method: "GET", path: `/api/v1/namespaces/default/pods/${name}`, headers: {} }).status ===
    200;
  /** kubectl at a terminal (a TTY) on this machine, with the scheduler moving the clock. */
  const atTerminal = (argv: string[]) =>
    runKubectl(argv, { api: cluster.handle, clock, machine, scheduler, tty: true });
  return { clock, cluster, machine, scheduler, entered, podExists, atTerminal };
}

describe("kubectl run -it", () => {
  it("waits for the pod, attaches, and with --rm deletes it: kubectl's messages", async () => {
    const s = setup();
    const r = await s.atTerminal(["run", "box", "--image=busybox", "-it", "--rm", "--", "sh"]);
    expect(r.stderr).toBe("If you don't see a command prompt, try pressing enter.\n");
    expect(r.stdout).toBe(
      "Session ended, resume using 'kubectl attach box -c box -i -t' command when the pod is running\npod \"box\" deleted\n",
    );
    expect(r.code).toBe(0);
    expect(s.entered).toEqual([
      { namespace: "default", pod: "box", container: "box", command: ["sh"], stdin: true, tty: true },
    ]);
  });

  it("--restart=Never has no resume hint; without --rm the pod stays", async () => {
    const s = setup();
    const r = await s.atTerminal(["run", "once", "--image=busybox", "-it", "--restart=Never", "--", "sh"]);
    expect(r.stdout).toBe("");
    expect(r.code).toBe(0);
    expect(s.podExists("once")).toBe(true);
  });

  it("refuses --rm without attaching and a dry run with -it, before creating anything", async () => {
    const s = setup();
    const rm = await runKubectl(["run", "x", "--image=busybox", "--rm"], {
      api: s.cluster.handle,
      clock: s.clock,
    });
    expect(rm.stderr).toBe(
      "error: --rm should only be used for attached containers\nSee 'kubectl run -h' for help and examples\n",
    );
    const dry = await runKubectl(["run", "x", "--image=busybox", "-it", "--dry-run=client"], {
      api: s.cluster.handle,
      clock: s.clock,
    });
    expect(dry.stderr).toBe(
      "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\nSee 'kubectl run -h' for help and examples\n",
    );
    expect(s.podExists("x")).toBe(false);
  });
});
