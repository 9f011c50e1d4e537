/**
 * `minikube ip|status|version|service|node` for the student's cluster. Node operations reach
 * the simulated cluster through `machine.nodes` (see NodeControl); output follows minikube
 * v1.35 with the docker driver: progress lines on stdout, `Exiting due to …` on stderr.
 */
import type { ApiHandler } from "../cluster/types";
import { addonsCommand } from "./minikube-addons";
import type { NodeControl, Program, ProgramIO } from "./types";

export interface MinikubeFacts {
  ip: string;
  version?: string;
  commit?: string;
}

/** minikube's exit codes (pkg/minikube/reason): MK_USAGE, GUEST_NODE_RETRIEVE. */
const EX_PROGRAM_USAGE = 64;
const EX_GUEST_NOT_FOUND = 85;

const PROFILE = "minikube";
const KICBASE = "v0.0.46";
const KUBERNETES = "v1.32.0";
const DOCKER = "27.4.1";

/** The box minikube prints under an error it has no advice for. */
const ISSUE_BOX = [
  "╭───────────────────────────────────────────────────────────────────────────────────────────╮",
  "│                                                                                           │",
  "│    😿  If the above advice does not help, please let us know:                             │",
  "│    👉  https://github.com/kubernetes/minikube/issues/new/choose                           │",
  "│                                                                                           │",
  "│    Please run `minikube logs --file=logs.txt` and attach logs.txt to the GitHub issue.    │",
  "│                                                                                           │",
  "╰───────────────────────────────────────────────────────────────────────────────────────────╯",
].join("\n");

/** A classroom note, marked as ours (not minikube's voice), like kubectl proxy's hints. */
function hint(io: ProgramIO, text: string): void {
  io.stderr(io.tty ? `\x1b[33mhint: ${text}\x1b[0m\n` : `hint: ${text}\n`);
}

/** `exit.Message`: an empty line, the reason on stderr, an empty line. */
function exitMessage(io: ProgramIO, id: string, message: string, code: number, issueBox = false): number {
  io.stdout("\n");
  io.stderr(`❌  Exiting due to ${id}: ${message}\n`);
  if (issueBox) io.stderr(`\n${ISSUE_BOX}\n`);
  io.stdout("\n");
  return code;
}

/** The nodes minikube knows: the wired cluster's, or the single `minikube` node. */
function nodesOf(io: ProgramIO, facts: MinikubeFacts): NodeControl {
  const wired = io.machine.nodes;
  if (wired !== undefined) return wired;
  return {
    names: () => [PROFILE],
    ip: (name) => (name === PROFILE ? facts.ip : undefined),
    running: () => true,
    setReady: () => {},
  };
}

/** `node.Retrieve`: the node's name in the profile (`m02`) or its machine name (`minikube-m02`). */
function retrieve(nodes: NodeControl, name: string): string | undefined {
  return nodes.names().find((machine) => machine === name || machine === `${PROFILE}-${name}`);
}

function status(io: ProgramIO, nodes: NodeControl): number {
  let code = 0;
  const blocks: string[] = [];
  nodes.names().forEach((name, i) => {
    const up = nodes.running(name) ? "Running" : "Stopped";
    if (up !== "Running") code |= 1 | 2;
    if (i === 0) {
      if (up !== "Running") code |= 4;
      blocks.push(
        `${name}\ntype: Control Plane\nhost: ${up}\nkubelet: ${up}\napiserver: ${up}\nkubeconfig: ${up === "Running" ? "Configured" : "Stopped"}\n\n`,
      );
    } else {
      blocks.push(`${name}\ntype: Worker\nhost: ${up}\nkubelet: ${up}\n\n`);
    }
  });
  io.stdout(blocks.join(""));
  return code;
}

function nodeCommand(io: ProgramIO, facts: MinikubeFacts): number {
  const args = io.argv.slice(2).filter((a) => !a.startsWith("-"));
  const sub = args[0];
  const nodes = nodesOf(io, facts);
  switch (sub) {
    case "list":
      if (args.length > 1) return exitMessage(io, "MK_USAGE", "Usage: minikube node list", EX_PROGRAM_USAGE);
      for (const name of nodes.names()) io.stdout(`${name}\t${nodes.ip(name) ?? ""}\n`);
      return 0;
    case "stop":
    case "start": {
      const wanted = args[1];
      if (wanted === undefined) {
        return exitMessage(io, "MK_USAGE", `Usage: minikube node ${sub} [name]`, EX_PROGRAM_USAGE);
      }
      const machine = retrieve(nodes, wanted);
      if (machine === undefined) {
        return exitMessage(
          io,
          "GUEST_NODE_RETRIEVE",
          `Could not find node ${wanted}`,
          EX_GUEST_NOT_FOUND,
          true,
        );
      }
      if (io.machine.nodes === undefined) {
        hint(io, "this session has no node controls, so minikube node start/stop is not available here.");
        return 1;
      }
      if (machine === nodes.names()[0]) {
        // Stopping the control plane would take the API server (and kubectl) down with it.
        hint(
          io,
          `the control-plane node "${machine}" keeps running in this classroom: stopping it would stop the API server kubectl talks to. Stop a worker node instead (see minikube node list).`,
        );
        return 1;
      }
      return sub === "stop" ? stopNode(io, nodes, machine) : startNode(io, nodes, wanted, machine);
    }
    case undefined:
      io.stdout(
        'Operations on nodes\n\nAvailable Commands:\n  add         Adds a node to the given cluster.\n  delete      Deletes a node from a cluster.\n  list        List nodes.\n  start       Starts a node.\n  stop        Stops a node in a cluster.\n\nUsage:\n  minikube node [flags] [options]\n\nUse "minikube node <command> --help" for more information about a given command.\nUse "minikube options" for a list of global command-line options (applies to all commands).\n',
      );
      return 0;
    case "add":
    case "delete":
      hint(
        io,
        `minikube node ${sub} is not available in this classroom: its clusters keep a fixed set of nodes.`,
      );
      return 1;
    default:
      io.stderr(
        `Error: unknown command "${sub}" for "minikube node"\nRun 'minikube node --help' for usage.\n`,
      );
      return 1;
  }
}

function stopNode(io: ProgramIO, nodes: NodeControl, machine: string): number {
  io.stdout(`✋  Stopping node "${machine}"  ...\n`);
  if (nodes.running(machine)) {
    io.stdout(`🛑  Powering off "${machine}" via SSH ...\n`);
    nodes.setReady(machine, false);
  }
  io.stdout(`🛑  Successfully stopped node ${machine}\n`);
  return 0;
}

function startNode(io: ProgramIO, nodes: NodeControl, wanted: string, machine: string): number {
  if (nodes.running(machine)) {
    io.stdout(`✅  ${wanted} is already running\n`);
    return 0;
  }
  const controlPlaneIp = nodes.ip(nodes.names()[0] ?? PROFILE) ?? "192.168.49.2";
  io.stdout(
    [
      `👍  Starting "${machine}" worker node in "${PROFILE}" cluster`,
      `🚜  Pulling base image ${KICBASE} ...`,
      `🔄  Restarting existing docker container for "${machine}" ...`,
      `🐳  Preparing Kubernetes ${KUBERNETES} on Docker ${DOCKER} ...`,
      `    ▪ env NO_PROXY=${controlPlaneIp}`,
      "🔎  Verifying Kubernetes components...",
      `😄  Successfully started node ${machine}!`,
      "",
    ].join("\n"),
  );
  nodes.setReady(machine, true);
  return 0;
}

export function createMinikube(facts: MinikubeFacts): Program {
  return async (io) => {
    const sub = io.argv[1];
    switch (sub) {
      case "ip":
        io.stdout(`${facts.ip}\n`);
        return 0;
      case "status":
        return status(io, nodesOf(io, facts));
      case "node":
        return nodeCommand(io, facts);
      case "addons":
        return addonsCommand(io);
      case "version":
        io.stdout(
          `minikube version: ${facts.version ?? "v1.35.0"}\ncommit: ${facts.commit ?? "dd5d320e41b5451cdf3c01891bc4e13d189586ed-dirty"}\n`,
        );
        return 0;
      case "service": {
        const name = io.argv.find((a, i) => i > 1 && !a.startsWith("-"));
        if (name === undefined) {
          io.stderr("❌  Exiting due to MK_USAGE: You must specify a service name\n");
          return 64;
        }
        io.stderr(
          `This classroom's minikube cannot open a browser; use: curl http://$(minikube ip):<NodePort>\n`,
        );
        return 1;
      }
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(
          "minikube provisions and manages local Kubernetes clusters optimized for development workflows.\n\nIn this classroom: minikube ip | status | version | node list | node stop NAME | node start NAME | addons list | addons enable metrics-server\n",
        );
        return 0;
      default:
        io.stderr(
          `Error: unknown command "${sub}" for "minikube"\n\nDid you mean this?\n\tip\n\nRun 'minikube --help' for usage.\n`,
        );
        return 1;
    }
  };
}

/** The slice of lib/cluster's Cluster that node controls need (kept structural: no import). */
export interface NodeCluster {
  handle: ApiHandler;
  nodeNames(): string[];
  setNodeReady(name: string, ready: boolean): void;
}

interface NodeJson {
  status?: {
    addresses?: { type?: string; address?: string }[];
    conditions?: { type?: string; status?: string }[];
  };
}

function readNode(cluster: NodeCluster, name: string): NodeJson | undefined {
  const res = cluster.handle({
    method: "GET",
    path: `/api/v1/nodes/${encodeURIComponent(name)}`,
    headers: { accept: "application/json" },
  });
  if (res.status !== 200) return undefined;
  try {
    return JSON.parse(res.body) as NodeJson;
  } catch {
    return undefined;
  }
}

/**
 * Node controls for `Machine.nodes` backed by a simulated cluster: a stopped node is one whose
 * Ready condition is not True (so the state survives snapshot/restore without extra fields).
 */
export function clusterNodes(cluster: NodeCluster): NodeControl {
  return {
    names: () => cluster.nodeNames(),
    ip: (name) => readNode(cluster, name)?.status?.addresses?.find((a) => a.type === "InternalIP")?.address,
    running: (name) =>
      readNode(cluster, name)?.status?.conditions?.find((c) => c.type === "Ready")?.status === "True",
    setReady: (name, ready) => cluster.setNodeReady(name, ready),
  };
}
