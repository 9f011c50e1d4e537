/**
 * A student's `kubectl exec` shells (their own kubectl against the session's kube face) are no way
 * around the student's CPU limit (docs/adr/0039-a-cpu-limit-per-student.md): the session gives
 * its exec bridge the student's own turns, so a long line in an exec shell and a long line in a
 * tab draw on one credit, as the containers of one pod would share nothing beyond their own limits
 * but one student's processes here share one. The server's slices are replaced by a recording
 * copy with a short burst, so the test sees whose credit each slice is charged to.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { EXEC_PROTOCOLS } from "./kube-api/exec";
import { createSession } from "./session-factory";

const LIMIT = { share: 0.25, burstMs: 20 };

/** Every slice charged, by account (one yielder is one student's credit). */
const charged = vi.hoisted(() => ({ slices: [] as Array<{ account: number; ms: number }>, accounts: 0 }));

vi.mock("./slices", async (importOriginal) => {
  const real = await importOriginal<typeof import("./slices")>();
  const inner = real.createSlices({ share: 0.25, burstMs: 20 });
  return {
    ...real,
    slices: {
      yielder() {
        const account = ++charged.accounts;
        const y = inner.yielder();
        return (ms = 0) => {
          charged.slices.push({ account, ms });
          return y(ms);
        };
      },
    },
  };
});

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const LOOP = "i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; echo $i";

describe("a student's exec shells share the student's CPU limit", () => {
  it("a long line in an exec shell is charged to the same credit as the tab's, and both together keep to one limit", async () => {
    const session = createSession({
      scenario: "explore-app",
      seed: 5,
      prompt: { user: "u", host: "minikube" },
    });
    try {
      let screen = "";
      let ended: () => void = () => {};
      const tabDone = new Promise<void>((r) => {
        ended = r;
      });
      session.onOutput = (_tab, data) => {
        screen += data;
      };
      session.onJournal = (entry) => {
        if (entry.line === LOOP) ended();
      };
      await session.openTab("1", 80, 24);

      const face = session.kubeFace();
      server = createServer((req, res) => void face.request(req, res));
      server.on("upgrade", (req, socket, head) => face.upgrade(req, socket, head));
      await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
      const port = (server.address() as AddressInfo).port;
      const pods = JSON.parse(
        session.api({ method: "GET", path: "/api/v1/namespaces/default/pods", headers: {} }).body,
      ) as { items: Array<{ metadata: { name: string } }> };
      const pod = pods.items[0]?.metadata.name;

      const t0 = performance.now();
      session.input("1", `${LOOP}\r`);
      const q = ["sh", "-c", LOOP].map((c) => `command=${encodeURIComponent(c)}`).join("&");
      const exec = new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(
          `ws://127.0.0.1:${port}/api/v1/namespaces/default/pods/${pod}/exec?${q}&stdout=true&stderr=true`,
          [...EXEC_PROTOCOLS],
        );
        let out = "";
        ws.on("message", (data: Buffer) => {
          if (data[0] === 1 || data[0] === 2) out += data.subarray(1).toString();
        });
        ws.on("close", () => resolve(out));
        ws.on("error", reject);
      });
      const [out] = await Promise.all([exec, tabDone]);
      const wallMs = performance.now() - t0;
      expect(out).toBe("2000\n");
      expect(screen).toContain("\r\n2000\r\n");

      // both lines were long enough to be charged…
      const accounts = new Set(charged.slices.map((s) => s.account));
      const workMs = charged.slices.reduce((n, s) => n + s.ms, 0);
      console.log(
        `exec + tab: ${charged.slices.length} slices, ${workMs.toFixed(0)} ms of work in ${wallMs.toFixed(0)} ms (${accounts.size} account(s); one limit allows ${(LIMIT.burstMs + LIMIT.share * wallMs).toFixed(0)} ms)`,
      );
      expect(charged.slices.length).toBeGreaterThan(10);
      // …to the one credit of the student (a second account is a second limit: an exec shell
      // beside a tab would take twice the student's share)
      expect(accounts.size).toBe(1);
      // and together they kept to it: the burst, the share of the time, and a last slice each
      // that ended its line before its pause
      expect(workMs).toBeLessThanOrEqual(LIMIT.burstMs + LIMIT.share * wallMs + 2 * 10);
    } finally {
      session.dispose();
    }
  });
});
