/**
 * Integration: workspaces on worker threads (KUBECLASS_WORKERS; docs/adr/0031). Students are
 * spread over the workers; a worker that dies or hangs takes nobody else down: its students are told in
 * their terminals and get their workspace back from the last save, with every line they were
 * told about written once, while a student on the other worker types on undisturbed.
 */
import { describe, expect, it } from "vitest";
import { seededDatabase } from "../lib/classroom/seeded-database";
import { type Emitted, emittedOutput, ready, recordingIo, startHarness, until } from "./socket-test-harness";
import type { WorkerPool } from "./worker-pool";
import { WorkspaceRegistry } from "./workspaces";

const url = process.env.TEST_DATABASE_URL;
const db = seededDatabase();

const output = (emitted: Emitted[], userId: string) => emittedOutput(emitted, `user:${userId}`);

/**
 * How a worker stops under a student: it exits (an uncaught exception, `terminate()`), or it is
 * stuck in a loop that never yields — then only the watchdog (heartbeat, `stallMs`) notices.
 */
const STOPS: Array<[string, (pool: WorkerPool) => unknown]> = [
  ["crashed", (pool) => pool.kill(0)],
  ["stuck (hung, not crashed)", (pool) => pool.hang(0)],
];

describe("workspaces on worker threads", () => {
  it.each(STOPS)(
    "a %s worker's students are told and get their last save back; the other worker's are untouched",
    async (_, stop) => {
      const prisma = db.prisma;
      const [a, b] = await Promise.all(
        ["workers-a@example.com", "workers-b@example.com"].map((email) =>
          prisma.user.upsert({
            where: { email },
            update: {},
            create: { email, name: email.slice(0, 9), passwordHash: "x" },
          }),
        ),
      );
      const ids = [a!.id, b!.id];
      await prisma.commandRecord.deleteMany({ where: { userId: { in: ids } } });
      await prisma.stepProgress.deleteMany({ where: { userId: { in: ids } } });
      await prisma.clusterSnapshot.deleteMany({ where: { userId: { in: ids } } });

      const { io, emitted } = recordingIo();
      const registry = new WorkspaceRegistry({
        databaseUrl: url!,
        io,
        idleMinutes: 1,
        workers: 2,
        // A stuck worker is given up on after 5 s of silence (30 s in production).
        workerOptions: { heartbeatMs: 250, stallMs: 5_000 },
      });
      const pool = registry.host as WorkerPool;
      try {
        const wa = (await registry.acquire(a!.id, "kubernetes-basics", "pods-and-nodes"))!;
        const wb = (await registry.acquire(b!.id, "kubernetes-basics", "pods-and-nodes"))!;
        // One student per worker (least loaded first).
        expect(pool.load()).toEqual([1, 1]);
        for (const ws of [wa, wb]) {
          await ws.enterLesson("pods-and-nodes");
          ws.openTab("1", 100, 30, `s-${ws.userId}`);
        }

        wa.input("1", "kubectl create deployment saved --image=nginx\r");
        await until(() => output(emitted, a!.id).includes("deployment.apps/saved created"));
        await wa.flush();
        wa.input("1", "kubectl create deployment unsaved --image=nginx\r");
        await until(() => output(emitted, a!.id).includes("deployment.apps/unsaved created"));

        // The worker holding student A stops.
        await stop(pool);
        // B types on, on the other worker, while A's is stopped or being replaced.
        wb.input("1", "kubectl get pods -o name\r");
        await until(() => /pod\/kubernetes-bootcamp-/.test(output(emitted, b!.id)), 30_000);

        await until(() => output(emitted, a!.id).includes("restored from your last save"), 60_000);
        expect(output(emitted, a!.id)).toContain("stopped unexpectedly");
        expect(output(emitted, b!.id)).not.toContain("stopped unexpectedly");
        expect(pool.load()).toEqual([1, 1]);

        // A's workspace is the saved one: the deployment made after the save is gone.
        const before = output(emitted, a!.id).length;
        wa.input("1", "kubectl get deployments -o name\r");
        await until(() => output(emitted, a!.id).slice(before).includes("deployment.apps/saved"), 30_000);
        expect(output(emitted, a!.id).slice(before)).not.toContain("deployment.apps/unsaved");

        await wa.flush();
        await wb.flush();
        // Every line A was told about was written, once.
        const rows = await prisma.commandRecord.findMany({
          where: { userId: a!.id },
          orderBy: { at: "asc" },
        });
        expect(rows.map((r) => r.line)).toEqual([
          "kubectl create deployment saved --image=nginx",
          "kubectl create deployment unsaved --image=nginx",
          "kubectl get deployments -o name",
        ]);
      } finally {
        await registry.shutdown();
      }
    },
    // Two workers load the sources through tsx and a third replaces one: slow on a busy machine.
    180_000,
  );

  it("a join is one request to the worker, the build's included", async () => {
    const h = await startHarness({}, { workers: 1 });
    const pool = h.registry.host as WorkerPool;
    try {
      await h.makeUser("workers-join@example.test", "STUDENT");
      await h.registry.warm();
      const s = h.client(await h.cookieFor("workers-join@example.test"));
      await ready(s);
      const join = async (lessonId: string) => {
        const before = pool.requestsSent();
        const r = await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId });
        expect(r.ok).toBe(true);
        return pool.requestsSent() - before;
      };
      // The first join builds the cluster, loads the lesson's rows and answers tabs and steps.
      expect(await join("pods-and-nodes")).toBe(1);
      // Again (a reload, a second browser tab), and into another lesson (its rows go along).
      expect(await join("pods-and-nodes")).toBe(1);
      expect(await join("scale-app")).toBe(1);
      s.close();
    } finally {
      await h.close();
    }
  }, 180_000);
});
