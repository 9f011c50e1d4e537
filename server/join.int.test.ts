/**
 * What a join costs the database (issue 14, docs/adr/0038-one-statement-per-join.md): a student
 * whose workspace is loaded for the join costs ONE statement (account, locale, saved cluster,
 * teachers, classes, the lesson's journal and steps, the faults waiting for the cluster), a
 * rejoin to a workspace in memory one (the account). A new cluster nobody changed is written
 * neither at the join nor when it leaves memory, and is the same cluster — pod names, uids,
 * addresses — when it is built again after a restart.
 *
 * Statements are counted at the pg driver (`Client.prototype.query`), which carries both the
 * live pool's and Prisma's (through its pg adapter) — every statement of this process.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { CoreHandle } from "./worker-pool";

const sent: string[] = [];
const realQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const q = args[0] as string | { text?: string; name?: string };
  sent.push(typeof q === "string" ? q : (q?.text ?? q?.name ?? "?"));
  return (realQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

const { joinLesson, openTab, output, until, useHarness, recordingIo } = await import("./socket-test-harness");
const { WorkspaceRegistry } = await import("./workspaces");
// The live teaching tools bound as the real server binds them (their hooks add to a join).
const h = await useHarness({}, { teaching: true });

const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));
const oneLine = (sql: string) => sql.replace(/\s+/g, " ").trim().slice(0, 160);
/** Statements that write a row (the join's read claims faults: none are waiting here). */
const writes = (sqls: string[]) =>
  sqls.filter((q) => /\b(INSERT|UPDATE|DELETE)\b/i.test(q) && !q.includes('"FaultRecord" SET "appliedAt"'));

/** Statements sent while `fn` runs and `settleMs` after (work a join leaves behind counts too). */
async function counted(fn: () => Promise<unknown>, settleMs = 400): Promise<string[]> {
  await quiet(200);
  const from = sent.length;
  await fn();
  await quiet(settleMs);
  return sent.slice(from).map(oneLine);
}

describe("a join", () => {
  it("costs one statement when it loads the workspace, and one when it is already in memory", async () => {
    const email = "join-count@example.com";
    const userId = await h.makeUser(email, "STUDENT");
    await h.prisma.clusterSnapshot.deleteMany({ where: { userId } });
    const cookie = await h.cookieFor(email);
    const s = h.client(cookie);
    await until(() => s.connected);
    const first = await counted(async () => expect((await joinLesson(s, "pods-and-nodes")).ok).toBe(true));
    expect(first, first.join("\n")).toHaveLength(1);
    expect(h.registry.peek(userId, "kubernetes-basics")).toBeDefined();

    // A second tab of the same student: the workspace is in memory, its lesson rows too.
    const t = h.client(cookie);
    await until(() => t.connected);
    const again = await counted(async () => expect((await joinLesson(t, "pods-and-nodes")).ok).toBe(true));
    expect(again, again.join("\n")).toHaveLength(1);
    s.close();
    t.close();
  });

  it("of a class that does nothing writes nothing: not at the join, not when it leaves memory", async () => {
    const email = "join-idle@example.com";
    const userId = await h.makeUser(email, "STUDENT");
    await h.prisma.clusterSnapshot.deleteMany({ where: { userId } });
    const s = h.client(await h.cookieFor(email));
    const out = output(s);
    await until(() => s.connected);
    const joined = await counted(async () => {
      expect((await joinLesson(s, "pods-and-nodes")).ok).toBe(true);
      expect((await openTab(s)).ok).toBe(true);
      await until(() => out.text().includes("$ "));
    }, 1500);
    // The student leaves; the idle minutes are up: the workspace is evicted (everything written,
    // then released — its recordings end with it).
    const ws = h.registry.peek(userId, "kubernetes-basics");
    expect(ws).toBeDefined();
    s.close();
    await until(() => ws!.socketCount === 0);
    const evict = (h.registry as unknown as { evict(w: typeof ws): Promise<void> }).evict.bind(h.registry);
    const left = await counted(() => evict(ws), 800);
    expect(h.registry.peek(userId, "kubernetes-basics")).toBeUndefined();
    const written = writes([...joined, ...left]);
    expect(written, written.join("\n")).toEqual([]);
    expect(await h.prisma.clusterSnapshot.count({ where: { userId } })).toBe(0);
    expect(await h.prisma.terminalCast.count({ where: { userId } })).toBe(0);
  });

  it("builds a never-saved cluster again the same after a restart: pod names, uids, addresses", async () => {
    const userId = await h.makeUser("join-restart@example.com", "STUDENT");
    await h.prisma.clusterSnapshot.deleteMany({ where: { userId } });
    const url = process.env.TEST_DATABASE_URL as string;
    const pods = async (reg: InstanceType<typeof WorkspaceRegistry>) => {
      const ws = (await reg.acquire(userId, "kubernetes-basics", "pods-and-nodes"))!;
      // Read without a line (a line would make it a changed cluster, saved).
      const session = (ws as unknown as { session: CoreHandle }).session;
      const text = (await session.call("snapshot")).cluster;
      const found = [
        ...new Set([
          ...(text.match(/kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}/g) ?? []),
          ...(text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []),
          ...(text.match(/10\.244\.\d+\.\d+/g) ?? []),
        ]),
      ];
      return found.sort();
    };
    const first = new WorkspaceRegistry({ databaseUrl: url, io: recordingIo().io, idleMinutes: 1 });
    const before = await pods(first);
    expect(before.length).toBeGreaterThan(0);
    await first.shutdown();
    // Nothing changed: nothing saved, even at shutdown.
    expect(await h.prisma.clusterSnapshot.count({ where: { userId } })).toBe(0);
    const second = new WorkspaceRegistry({ databaseUrl: url, io: recordingIo().io, idleMinutes: 1 });
    expect(await pods(second)).toEqual(before);
    await second.shutdown();
  });
});
