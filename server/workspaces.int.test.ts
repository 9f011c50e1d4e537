/**
 * Integration: a student's workspace against a real PostgreSQL — commands typed into a tab are
 * journaled, step 1 of "Pods and Nodes" completes from the server's own checks, and a new
 * registry (a restarted server) restores the same cluster and progress from the snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../lib/classroom/seed";
import { createPrisma } from "../lib/db";
import type { PrismaClient } from "../lib/generated/prisma/client";
import { type Emitted, emittedOutput, recordingIo, until } from "./socket-test-harness";
import { WorkspaceRegistry } from "./workspaces";

const url = process.env.TEST_DATABASE_URL;
let prisma: PrismaClient;

const output = (emitted: Emitted[]) => emittedOutput(emitted);

beforeAll(async () => {
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`");
  prisma = createPrisma(url);
  await seedDemo(prisma);
  // Start from a clean slate for the students used here (the database is shared by this run).
  const ids = (await prisma.user.findMany({ where: { role: "STUDENT" }, select: { id: true } })).map(
    (u) => u.id,
  );
  await prisma.commandRecord.deleteMany({ where: { userId: { in: ids } } });
  await prisma.stepProgress.deleteMany({ where: { userId: { in: ids } } });
  await prisma.clusterSnapshot.deleteMany({ where: { userId: { in: ids } } });
});

afterAll(async () => {
  await prisma?.$disconnect();
});

describe("workspaces", () => {
  it("records step 1 from typed commands and survives a restart with the same cluster", async () => {
    const user = await prisma.user.findUniqueOrThrow({ where: { email: "student3@example.com" } });
    const first = recordingIo();
    const registry = new WorkspaceRegistry({ databaseUrl: url!, io: first.io, idleMinutes: 1 });
    const ws = await registry.acquire(user.id, "kubernetes-basics", "pods-and-nodes");
    expect(ws).not.toBeNull();
    await ws!.enterLesson("pods-and-nodes");
    ws!.openTab("1", 120, 30, "socket-a");
    ws!.input("1", "kubectl get pods\r");
    await until(() => /Running/.test(output(first.emitted)));
    const pod = /kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}/.exec(output(first.emitted))?.[0];
    expect(pod).toBeTruthy();
    ws!.input("1", "kubectl describe pods\r");
    await until(() =>
      first.emitted.some(
        (e) => e.event === "progress" && (e.payload as { steps: { done: boolean }[] }).steps[0]?.done,
      ),
    );
    await ws!.flush();

    const rows = await prisma.commandRecord.findMany({ where: { userId: user.id }, orderBy: { at: "asc" } });
    expect(rows.map((r) => r.line)).toEqual(["kubectl get pods", "kubectl describe pods"]);
    expect(rows[0]?.argv).toEqual([["kubectl", "get", "pods"]]);
    const done = await prisma.stepProgress.findMany({
      where: { userId: user.id, completedAt: { not: null } },
    });
    expect(done.map((d) => d.stepId)).toEqual(["check-app"]);
    // The teacher of the demo class was told.
    expect(first.emitted.some((e) => e.event === "student:progress")).toBe(true);

    // "Restart": a new registry loads the snapshot from Postgres.
    const second = recordingIo();
    const again = new WorkspaceRegistry({ databaseUrl: url!, io: second.io, idleMinutes: 1 });
    const ws2 = await again.acquire(user.id, "kubernetes-basics", "pods-and-nodes");
    await ws2!.enterLesson("pods-and-nodes");
    const progress = await ws2!.progress("pods-and-nodes");
    expect(progress.steps.find((s) => s.id === "check-app")?.done).toBe(true);
    ws2!.openTab("1", 120, 30, "socket-b");
    ws2!.input("1", "kubectl get pods\r");
    await until(() => output(second.emitted).includes(pod!));
    await ws!.flush();
    await ws2!.flush();
    ws!.dispose();
    ws2!.dispose();
  });

  it("keeps students apart: another student's cluster has other pod names", async () => {
    const a = await prisma.user.findUniqueOrThrow({ where: { email: "student1@example.com" } });
    const b = await prisma.user.findUniqueOrThrow({ where: { email: "student2@example.com" } });
    const { io, emitted } = recordingIo();
    const registry = new WorkspaceRegistry({ databaseUrl: url!, io, idleMinutes: 1 });
    const names: string[] = [];
    for (const u of [a, b]) {
      const ws = (await registry.acquire(u.id, "kubernetes-basics", "pods-and-nodes"))!;
      await ws.enterLesson("pods-and-nodes");
      ws.openTab("1", 100, 30, `s-${u.id}`);
      ws.input("1", "kubectl get pods -o name\r");
      await until(() =>
        emitted.some(
          (e) =>
            e.room === `user:${u.id}` &&
            /pod\/kubernetes-bootcamp-/.test((e.payload as { data?: string }).data ?? ""),
        ),
      );
      const text = emitted
        .filter((e) => e.room === `user:${u.id}` && e.event === "term:output")
        .map((e) => (e.payload as { data: string }).data)
        .join("");
      names.push(/pod\/(kubernetes-bootcamp-\S+)/.exec(text)![1]!);
      await ws.flush();
      ws.dispose();
    }
    expect(names[0]).not.toBe(names[1]);
  });

  it("leaves memory when the last socket has been gone for the idle time, saved first", async () => {
    const u = await prisma.user.findUniqueOrThrow({ where: { email: "student1@example.com" } });
    const { io } = recordingIo();
    const registry = new WorkspaceRegistry({ databaseUrl: url!, io, idleMinutes: 0.002 });
    const ws = (await registry.acquire(u.id, "kubernetes-basics", "pods-and-nodes"))!;
    ws.attach({ id: "s1" } as never);
    expect(registry.size).toBe(1);
    ws.detach("s1");
    await until(() => registry.size === 0, 5000);
    // The next acquire loads the saved snapshot instead of the evicted object.
    const again = await registry.acquire(u.id, "kubernetes-basics", "pods-and-nodes");
    expect(again).not.toBe(ws);
    await registry.shutdown();
  });
});
