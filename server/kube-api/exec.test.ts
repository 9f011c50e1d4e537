/**
 * The exec bridge is no way around the noisy-neighbour bounds (issue 12): a long line in an exec
 * shell takes the students' turns of the event loop, and stdin is bounded like a file.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { Cluster } from "../../lib/cluster";
import { MAX_FILE_BYTES } from "../../lib/shell/fs";
import { createSlices, type Slices } from "../slices";
import { createExecBridge, EXEC_PROTOCOLS } from "./exec";

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Serves the bridge for `cluster`; resolves to a function that runs one exec and collects it. */
async function bridge(cluster: Cluster, slices: Slices) {
  const exec = createExecBridge(cluster, { slices });
  server = createServer((_req, res) => res.end());
  server.on("upgrade", (req, socket, head) => exec.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const pod = (
    JSON.parse(cluster.handle({ method: "GET", path: "/api/v1/namespaces/default/pods" }).body) as {
      items: Array<{ metadata: { name: string } }>;
    }
  ).items[0]?.metadata.name;
  return (command: string[], stdin?: (ws: WebSocket) => void) =>
    new Promise<{ stdout: string; stderr: string; status: string }>((resolve, reject) => {
      const q = command.map((c) => `command=${encodeURIComponent(c)}`).join("&");
      const ws = new WebSocket(
        `ws://127.0.0.1:${port}/api/v1/namespaces/default/pods/${pod}/exec?${q}&stdout=true&stderr=true${stdin ? "&stdin=true" : ""}`,
        [...EXEC_PROTOCOLS],
      );
      const got = { stdout: "", stderr: "", status: "" };
      ws.on("open", () => stdin?.(ws));
      ws.on("message", (data: Buffer) => {
        const text = data.subarray(1).toString();
        if (data[0] === 1) got.stdout += text;
        else if (data[0] === 2) got.stderr += text;
        else if (data[0] === 3) got.status += text;
      });
      ws.on("close", () => resolve(got));
      ws.on("error", reject);
    });
}

describe("kubectl exec and the other students", () => {
  it("a long line through exec takes the students' turns: another student's slices alternate with it", async () => {
    const cluster = Cluster.create({ scenario: "explore-app", seed: 3, clock: { now: () => Date.now() } });
    const inner = createSlices();
    const order: string[] = [];
    // every yield of the exec's line is recorded as "e" (the bridge's scheduler asks for its yielder)
    const slices: Slices = {
      yielder() {
        const y = inner.yielder();
        return () => {
          order.push("e");
          return y();
        };
      },
    };
    const run = await bridge(cluster, slices);
    const student = inner.yielder();
    let execDone = false;
    const studentLine = (async () => {
      while (!execDone) {
        order.push("s");
        busy(1);
        await student();
      }
    })();
    const r = await run(["sh", "-c", "i=0; while [ $i -lt 1500 ]; do i=$((i+1)); done; echo $i"]);
    execDone = true;
    await studentLine;
    expect(r, JSON.stringify(r)).toMatchObject({ stdout: "1500\n" });
    expect(JSON.parse(r.status)).toEqual({ metadata: {}, status: "Success" });
    const yields = order.filter((x) => x === "e").length;
    // with a plain setImmediate the exec's line never went through the turns (0 here), and a
    // student's slice waited behind three of its slices
    expect(yields).toBeGreaterThanOrEqual(3);
    const firstE = order.indexOf("e");
    const lastS = order.lastIndexOf("s");
    const both = order.slice(firstE, lastS).join("");
    console.log(`exec line: ${yields} slices; order while both ran: ${both.slice(0, 60)}…`);
    expect(both).not.toMatch(/ee/);
  });

  it("stdin over what a file may hold ends the exec with a message instead of growing", async () => {
    const cluster = Cluster.create({ scenario: "explore-app", seed: 4, clock: { now: () => Date.now() } });
    const run = await bridge(cluster, createSlices());
    const chunk = Buffer.concat([Buffer.from([0]), Buffer.alloc(64 * 1024, 0x61)]);
    const r = await run(["cat"], (ws) => {
      for (let sent = 0; sent <= MAX_FILE_BYTES + chunk.length; sent += chunk.length - 1) ws.send(chunk);
    });
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("kubeclass: exec stdin over 1024 KiB is not kept; stopped\n");
    expect(JSON.parse(r.status)).toMatchObject({ status: "Failure", reason: "NonZeroExitCode" });
  });

  it("a command with stdin runs once stdin is closed, with all of it", async () => {
    const cluster = Cluster.create({ scenario: "explore-app", seed: 5, clock: { now: () => Date.now() } });
    const run = await bridge(cluster, createSlices());
    const r = await run(["wc", "-c"], (ws) => {
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from("hello\n")]));
      ws.send(Buffer.from([255, 0])); // v5: close stream 0 (stdin)
    });
    expect(r.stdout.trim()).toBe("6");
  });
});
