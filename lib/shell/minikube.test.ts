import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { ManualClock } from "../cluster/types";
import { InterruptSource } from "./interrupt";
import { ManualScheduler } from "./manual-time";
import { clusterNodes, createMinikube } from "./minikube";
import type { Machine, NodeControl, ProgramIO } from "./types";

const T0 = Date.UTC(2026, 10, 30, 3, 0, 0);

function fakeNodes(): NodeControl & { ready: Map<string, boolean> } {
  const ready = new Map([
    ["minikube", true],
    ["minikube-m02", true],
  ]);
  const ips: Record<string, string> = { minikube: "192.168.49.2", "minikube-m02": "192.168.49.3" };
  return {
    ready,
    names: () => [...ready.keys()],
    ip: (n) => ips[n],
    running: (n) => ready.get(n) === true,
    setReady: (n, r) => {
      ready.set(n, r);
    },
  };
}

async function minikube(args: string, nodes?: NodeControl) {
  const machine: Machine = {
    api: () => ({ status: 404, headers: {}, body: "" }),
    net: () => ({ kind: "refused" }),
    listen: () => false,
    unlisten: () => {},
    ...(nodes ? { nodes } : {}),
  };
  let out = "";
  let err = "";
  const clock = new ManualClock(T0);
  const io: ProgramIO = {
    argv: ["minikube", ...args.split(" ").filter(Boolean)],
    stdin: "",
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    env: new Map(),
    tty: false,
    columns: 80,
    interrupt: new InterruptSource(),
    clock,
    scheduler: new ManualScheduler(clock),
    machine,
  };
  const exitCode = await createMinikube({ ip: "192.168.49.2" })(io);
  return { out, err, exitCode };
}

describe("minikube node", () => {
  it("lists nodes as machine name, tab, IP", async () => {
    expect((await minikube("node list", fakeNodes())).out).toBe(
      "minikube\t192.168.49.2\nminikube-m02\t192.168.49.3\n",
    );
    // Without a wired cluster: the single node of a plain minikube.
    expect((await minikube("node list")).out).toBe("minikube\t192.168.49.2\n");
  });

  it("stops and starts a worker by machine name or node name", async () => {
    const nodes = fakeNodes();
    const stop = await minikube("node stop minikube-m02", nodes);
    expect(stop).toEqual({
      out: '✋  Stopping node "minikube-m02"  ...\n🛑  Powering off "minikube-m02" via SSH ...\n🛑  Successfully stopped node minikube-m02\n',
      err: "",
      exitCode: 0,
    });
    expect(nodes.ready.get("minikube-m02")).toBe(false);

    const status = await minikube("status", nodes);
    expect(status.out).toBe(
      "minikube\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\nkubeconfig: Configured\n\n" +
        "minikube-m02\ntype: Worker\nhost: Stopped\nkubelet: Stopped\n\n",
    );
    expect(status.exitCode).toBe(3);

    const start = await minikube("node start m02", nodes);
    expect(start.exitCode).toBe(0);
    expect(start.out).toMatch(/^👍 {2}Starting "minikube-m02" worker node in "minikube" cluster\n/);
    expect(start.out).toMatch(/😄 {2}Successfully started node minikube-m02!\n$/);
    expect(nodes.ready.get("minikube-m02")).toBe(true);
    expect((await minikube("node start minikube-m02", nodes)).out).toBe(
      "✅  minikube-m02 is already running\n",
    );
    expect((await minikube("status", nodes)).exitCode).toBe(0);
  });

  it("answers like minikube for a missing name or node", async () => {
    const usage = await minikube("node stop", fakeNodes());
    expect(usage.err).toBe("❌  Exiting due to MK_USAGE: Usage: minikube node stop [name]\n");
    expect(usage.exitCode).toBe(64);
    const missing = await minikube("node stop minikube-m03", fakeNodes());
    expect(missing.err).toMatch(
      /^❌ {2}Exiting due to GUEST_NODE_RETRIEVE: Could not find node minikube-m03\n\n╭─/,
    );
    expect(missing.out).toBe("\n\n");
    expect(missing.exitCode).toBe(85);
  });

  it("keeps the control plane up, with a marked classroom hint", async () => {
    const nodes = fakeNodes();
    const r = await minikube("node stop minikube", nodes);
    expect(r.exitCode).toBe(1);
    expect(r.err).toMatch(/^hint: the control-plane node "minikube" keeps running/);
    expect(nodes.ready.get("minikube")).toBe(true);
  });
});

describe("clusterNodes", () => {
  it("reads names, IPs and readiness from a two-node cluster and drives setNodeReady", async () => {
    const clock = new ManualClock(T0);
    const cluster = Cluster.create({ scenario: "two-nodes", seed: 1, clock });
    const nodes = clusterNodes(cluster);
    expect(nodes.names()).toEqual(["minikube", "minikube-m02"]);
    expect(nodes.ip("minikube-m02")).toBe("192.168.49.3");
    expect(nodes.ip("nosuch")).toBeUndefined();
    expect(nodes.running("minikube-m02")).toBe(true);
    await minikube("node stop minikube-m02", nodes);
    expect(nodes.running("minikube-m02")).toBe(false);
    expect((await minikube("status", nodes)).exitCode).toBe(3);
    await minikube("node start minikube-m02", nodes);
    expect(nodes.running("minikube-m02")).toBe(true);
  });
});
