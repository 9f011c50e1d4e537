/**
 * An idle class costs no CPU (issue 14, docs/adr/0034): once a student's work is written and
 * their terminal is quiet, none of kubeclass's own code is woken by a clock — no sweep per
 * second, no re-check of rooms nobody watches from, no snapshot or recording timer left armed.
 * What is still armed must be at least a minute away (a session's expiry, an idle workspace's
 * eviction). socket.io's heartbeats and pg's pool timers are the libraries' and not counted.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const here = import.meta.filename;

interface Armed {
  due: number;
  every: number | null;
  from: string;
}

/** Timers armed by our code (server/, lib/, app/): the frame that called setTimeout/setInterval. */
const armed = new Map<unknown, Armed>();
let fired: string[] = [];

function callerOfTimer(): string | null {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  for (const f of frames) {
    if (f.includes(here) || /node:|internal\//.test(f)) continue;
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(f.trim());
    const file = m?.[1]?.replace(/^file:\/\//, "");
    if (!file) continue;
    if (!file.startsWith(root) || file.includes("/node_modules/") || file.endsWith("socket-test-harness.ts"))
      return null;
    return `${path.relative(root, file)}:${m?.[2]}`;
  }
  return null;
}

const real = {
  setTimeout: globalThis.setTimeout,
  setInterval: globalThis.setInterval,
  clearTimeout: globalThis.clearTimeout,
  clearInterval: globalThis.clearInterval,
};
function track(kind: "timeout" | "interval") {
  const arm = kind === "timeout" ? real.setTimeout : real.setInterval;
  return ((fn: (...a: unknown[]) => void, ms = 0, ...rest: unknown[]) => {
    const from = callerOfTimer();
    if (!from) return arm(fn, ms, ...rest);
    const every = kind === "interval" ? Math.max(1, ms) : null;
    const handle = arm(
      (...a: unknown[]) => {
        fired.push(from);
        const t = armed.get(handle);
        if (t && every !== null) t.due = Date.now() + every;
        else armed.delete(handle);
        fn(...a);
      },
      ms,
      ...rest,
    );
    armed.set(handle, { due: Date.now() + Math.max(1, ms), every, from });
    return handle;
  }) as typeof setTimeout;
}
globalThis.setTimeout = track("timeout");
globalThis.setInterval = track("interval") as unknown as typeof setInterval;
globalThis.clearTimeout = ((h?: NodeJS.Timeout) => {
  armed.delete(h);
  real.clearTimeout(h);
}) as typeof clearTimeout;
globalThis.clearInterval = ((h?: NodeJS.Timeout) => {
  armed.delete(h);
  real.clearInterval(h);
}) as typeof clearInterval;

/** Our timers that will wake the process within `ms` (intervals always will). */
function dueWithin(ms: number): string[] {
  const until = Date.now() + ms;
  return [...armed.values()].filter((t) => t.every !== null || t.due <= until).map((t) => t.from);
}

const { joinLesson, openTab, output, until, useHarness } = await import("./socket-test-harness");
// The live teaching tools included, as the real server binds them; a new cluster is saved after
// half a second of quiet instead of ten.
const h = await useHarness({}, { teaching: true, registry: { snapshotQuietMs: 500 } });

describe("an idle class", () => {
  it("leaves no timer of ours due within a minute, and none fires while it sits", async () => {
    const email = "idle-student@example.com";
    await h.makeUser(email, "STUDENT");
    const s = h.client(await h.cookieFor(email));
    const out = output(s);
    expect((await joinLesson(s, "pods-and-nodes")).ok).toBe(true);
    expect((await openTab(s)).ok).toBe(true);
    await until(() => out.text().includes("$ "));
    s.emit("term:input", { tabId: "1", data: "kubectl get pods\r" });
    // Answered: the prompt is back.
    await until(() => out.text().split("$ ").length > 2);

    // Work there is: the line's rows, the cluster's save, the recording's chunk (closed after
    // 5 s). Once they are done nothing of ours may stay on a clock.
    try {
      await until(() => dueWithin(60_000).length === 0, 20_000, 100);
    } catch {
      // Shows what is still armed (fails the test with the culprits named).
      expect(dueWithin(60_000)).toEqual([]);
    }
    fired = [];
    await new Promise((r) => real.setTimeout(r, 2500));
    expect(fired).toEqual([]);
    expect(h.registry.size).toBe(1);
  });

  it("is not serialised again when it leaves memory unchanged", async () => {
    const user = await h.prisma.user.findUniqueOrThrow({ where: { email: "idle-student@example.com" } });
    const key = { userId_courseSlug: { userId: user.id, courseSlug: "kubernetes-basics" } };
    const saved = await h.prisma.clusterSnapshot.findUniqueOrThrow({ where: key });
    // What eviction does once the idle minutes are up: everything written, then released.
    await h.registry.peek(user.id, "kubernetes-basics")?.flush();
    const after = await h.prisma.clusterSnapshot.findUniqueOrThrow({ where: key });
    expect(after.version).toBe(saved.version);
  });
});
