/**
 * Integration (socket.io client, real PostgreSQL, real workspaces): what the browser's terminal
 * shows after a reconnect without reload and after a server restart, replayed into a headless
 * xterm exactly as the browser's xterm would draw it; and the exec step ticking while the
 * learner is still inside the container shell.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import headless from "@xterm/headless";
import { Server } from "socket.io";
import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { testDatabase } from "../lib/classroom/seeded-database";
import { connectClient, joinLesson, openTab, ready, sessionCookie } from "./socket-test-harness";
import { attachSockets } from "./sockets";
import { WorkspaceRegistry } from "./workspaces";

const SECRET = "screens-test-secret-0123456789abcdef0123";
const url = process.env.TEST_DATABASE_URL;
const PROMPT = "student@minikube:~$ ";
/** Fresh accounts per run, so a rerun on the same database starts clean. */
const run = Date.now().toString(36);
const db = testDatabase();

interface Instance {
  io: Server;
  http: HttpServer;
  registry: WorkspaceRegistry;
  base: string;
  clients: Socket[];
}

/** One server instance (a restart is a second one on the same database). */
async function startInstance(): Promise<Instance> {
  const http = createServer();
  const io = new Server(http, { path: "/socket.io" });
  const registry = new WorkspaceRegistry({ databaseUrl: url as string, io: io as never, idleMinutes: 1 });
  attachSockets(io as never, registry, SECRET);
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  return {
    io,
    http,
    registry,
    base: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    clients: [],
  };
}

async function stopInstance(i: Instance): Promise<void> {
  for (const c of i.clients) c.close();
  i.io.close();
  await i.registry.shutdown();
}

/** Runs `body` against a server instance of its own, stopped after it whatever happens. */
async function onInstance<T>(body: (server: Instance) => Promise<T>): Promise<T> {
  const server = await startInstance();
  try {
    return await body(server);
  } finally {
    await stopInstance(server);
  }
}

async function student(email: string): Promise<string> {
  const u = await db.prisma.user.upsert({
    where: { email },
    create: { email, name: email, passwordHash: "x", role: "STUDENT" },
    update: {},
  });
  return sessionCookie(u, SECRET);
}

/** A browser tab: its socket and the xterm it draws into (kept across reconnects). */
class Browser {
  readonly term = new headless.Terminal({ cols: 100, rows: 30, allowProposedApi: true });
  raw = "";
  socket!: Socket;
  progress: Array<{ steps: Array<{ id: string; done: boolean }> }> = [];

  constructor(private cookie: string) {}

  /** The page's language, as the locale cookie the browser sends. */
  locale(value: string): void {
    this.cookie = `${this.cookie}; kubeclass-locale=${value}`;
  }

  async connect(i: Instance, lessonId = "pods-and-nodes"): Promise<void> {
    this.socket = connectClient(i.base, this.cookie);
    i.clients.push(this.socket);
    this.socket.on("term:output", (m: { tabId: string; data: string }) => {
      if (m.tabId !== "1") return;
      this.raw += m.data;
      this.term.write(m.data);
    });
    this.socket.on("progress", (p: (typeof this.progress)[number]) => this.progress.push(p));
    await ready(this.socket);
    expect((await joinLesson(this.socket, lessonId)).ok).toBe(true);
    expect((await openTab(this.socket)).ok).toBe(true);
  }

  /** Connects to `i` and waits for the shell's first prompt. */
  async atFirstPrompt(i: Instance): Promise<void> {
    await this.connect(i);
    await this.until((l) => l.at(-1) === PROMPT, "the first prompt");
  }

  type(line: string): void {
    this.socket.emit("term:input", { tabId: "1", data: `${line}\r` });
  }

  /** The screen's lines as drawn, trailing blanks dropped (after the xterm parsed everything). */
  async lines(): Promise<string[]> {
    await new Promise<void>((r) => this.term.write("", r));
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < buf.length; y++) out.push(buf.getLine(y)?.translateToString(true) ?? "");
    while (out.length > 0 && out[out.length - 1] === "") out.pop();
    return out;
  }

  async until(cond: (lines: string[]) => boolean, what: string): Promise<string[]> {
    const end = Date.now() + 20_000;
    for (;;) {
      const lines = await this.lines();
      if (cond(lines)) return lines;
      if (Date.now() > end) throw new Error(`${what} did not show:\n${lines.join("\n")}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }
}

describe("terminal screens", () => {
  it("a reconnect without reload redraws the screen once: one prompt on the last line", async () => {
    await onInstance(async (server) => {
      const b = new Browser(await student(`screens-reconnect-${run}@example.com`));
      await b.atFirstPrompt(server);
      b.type("echo a_b_c; printf '\\033[31mred\\033[0m\\n'");
      const before = await b.until((l) => l.at(-1) === PROMPT && l.includes("red"), "the echo");
      b.socket.close();
      await new Promise((r) => setTimeout(r, 100));
      b.raw = "";
      await b.connect(server);
      const after = await b.until((l) => b.raw !== "" && l.at(-1) === PROMPT, "the replay");
      expect(b.raw.startsWith("\x1bc")).toBe(true);
      expect(after).toEqual(before);
      expect(after.filter((l) => l.includes(PROMPT + PROMPT.trim()))).toEqual([]);
    });
  });

  it("after a server restart the tab shows what it showed, and says the background job stopped", async () => {
    const cookie = await student(`screens-restart-${run}@example.com`);
    const b = new Browser(cookie);
    const shown = await onInstance(async (first) => {
      await b.atFirstPrompt(first);
      b.type("kubectl proxy &");
      await b.until((l) => l.some((x) => x.includes("Starting to serve on 127.0.0.1:8001")), "the proxy");
      b.type("echo before-restart");
      return b.until((l) => l.at(-1) === PROMPT && l.includes("before-restart"), "the echo");
    });
    await onInstance(async (second) => {
      // The browser reconnects on its own (no reload): same xterm, new server.
      b.raw = "";
      await b.connect(second);
      const after = await b.until((l) => l.at(-1) === PROMPT && b.raw.includes("restarted"), "the restore");
      expect(after.slice(0, shown.length)).toEqual(shown);
      expect(after.slice(shown.length)).toEqual([
        "[kubeclass] The server restarted; stopped with it: kubectl proxy &. Start again what you still need.",
        PROMPT,
      ]);
      b.type("jobs; echo jobs-listed");
      const later = await b.until((l) => l.includes("jobs-listed"), "jobs");
      expect(later.some((l) => l.includes("Running"))).toBe(false);
    });
  });

  it("the exec step ticks while the learner is inside the container shell", async () => {
    await onInstance(async (server) => {
      const b = new Browser(await student(`screens-exec-${run}@example.com`));
      await b.atFirstPrompt(server);
      b.type("export POD_NAME=$(kubectl get pods -o name | cut -d/ -f2)");
      b.type("kubectl exec $POD_NAME -- env");
      b.type("kubectl exec -ti $POD_NAME -- bash");
      await b.until(
        (l) => /^root@kubernetes-bootcamp-\S+:\/# $/.test(l.at(-1) ?? ""),
        "the container prompt",
      );
      const end = Date.now() + 10_000;
      while (!b.progress.at(-1)?.steps.find((s) => s.id === "exec")?.done) {
        if (Date.now() > end) throw new Error(`exec not done: ${JSON.stringify(b.progress.at(-1))}`);
        await new Promise((r) => setTimeout(r, 30));
      }
      const u = await db.prisma.user.findUniqueOrThrow({
        where: { email: `screens-exec-${run}@example.com` },
      });
      const row = await db.prisma.stepProgress.findUniqueOrThrow({
        where: {
          userId_courseSlug_lessonId_stepId: {
            userId: u.id,
            courseSlug: "kubernetes-basics",
            lessonId: "pods-and-nodes",
            stepId: "exec",
          },
        },
      });
      expect(row.completedAt).not.toBeNull();
      // The exec line is recorded once, when it ends.
      expect(
        await db.prisma.commandRecord.count({ where: { userId: u.id, line: { contains: "-ti" } } }),
      ).toBe(0);
      b.type("exit");
      await b.until((l) => l.at(-1) === PROMPT, "the workstation prompt");
      const deadline = Date.now() + 10_000;
      while (
        (await db.prisma.commandRecord.count({ where: { userId: u.id, line: { contains: "-ti" } } })) !== 1
      ) {
        if (Date.now() > deadline) throw new Error("the exec line was not recorded after exit");
        await new Promise((r) => setTimeout(r, 50));
      }
    });
  });

  it("help answers in the page's language: the locale cookie, else the user's saved locale", async () => {
    await onInstance(async (server) => {
      const cookie = await student(`screens-help-${run}@example.com`);
      // first with the user's saved locale (ja), then with an `en` locale cookie
      for (const [cookieLocale, firstWords] of [
        [undefined, "このターミナルは"],
        ["en", "This terminal is"],
      ] as const) {
        const b = new Browser(cookie);
        if (cookieLocale !== undefined) b.locale(cookieLocale);
        await b.atFirstPrompt(server);
        b.type("help | head -1");
        await b.until((l) => l.some((x) => x.startsWith(firstWords)), `help starting "${firstWords}"`);
        b.socket.close();
      }
    });
  });
});
