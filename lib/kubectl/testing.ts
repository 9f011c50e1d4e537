/**
 * Test kit for kubectl alone (no shell): the program run with a fake ProgramIO/Machine around any
 * ApiHandler, an output sink the shell kit (lib/shell/harness.ts) shares, and a transport that serves
 * recorded API objects (path → list JSON) the way an API server would.
 */

import { failureStatus } from "../cluster/testing";
import type { ApiHandler, ApiRequest, ApiResponse, Clock } from "../cluster/types";
import { kubectl } from "./index";
import type { KubectlMachine as Machine, KubectlIO as ProgramIO, KubectlScheduler as Scheduler } from "./io";

export interface RunResult {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as a terminal shows them. */
  output: string;
  code: number;
}

export function fakeMachine(api: ApiHandler): Machine & { listeners: Map<number, unknown> } {
  const listeners = new Map<number, unknown>();
  return {
    api,
    net: () => ({ kind: "unresolved" }),
    listen: (port, serve) => {
      if (listeners.has(port)) return false;
      listeners.set(port, serve);
      return true;
    },
    unlisten: (port) => {
      listeners.delete(port);
    },
    listeners,
  };
}

/** Where a program's two streams go in a test: each kept, and both as a terminal interleaves them. */
export function outputSink(): {
  stdout(s: string): void;
  stderr(s: string): void;
  out(): string;
  err(): string;
  all(): string;
} {
  let out = "";
  let err = "";
  let all = "";
  return {
    stdout: (s) => {
      out += s;
      all += s;
    },
    stderr: (s) => {
      err += s;
      all += s;
    },
    out: () => out,
    err: () => err,
    all: () => all,
  };
}

export const immediateScheduler: Scheduler = {
  setTimeout: () => 0,
  clearTimeout: () => {},
};

export async function runKubectl(
  argv: string[],
  opts: {
    api: ApiHandler;
    clock: Clock;
    machine?: Machine;
    tty?: boolean;
    scheduler?: Scheduler;
    interrupt?: Promise<void>;
  },
): Promise<RunResult> {
  const sink = outputSink();
  let interrupted = false;
  const promise = opts.interrupt ?? new Promise<void>(() => {});
  void promise.then(() => {
    interrupted = true;
  });
  const io: ProgramIO = {
    argv: ["kubectl", ...argv],
    stdin: "",
    stdout: sink.stdout,
    stderr: sink.stderr,
    env: new Map(),
    tty: opts.tty ?? false,
    columns: 80,
    interrupt: {
      get interrupted() {
        return interrupted;
      },
      promise,
    },
    clock: opts.clock,
    scheduler: opts.scheduler ?? immediateScheduler,
    machine: opts.machine ?? fakeMachine(opts.api),
  };
  const code = await kubectl(io);
  return { stdout: sink.out(), stderr: sink.err(), output: sink.all(), code };
}

type Json = Record<string, unknown>;

function status(code: number, reason: string, message: string): ApiResponse {
  return {
    status: code,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(failureStatus(code, reason, message)),
  };
}

function get(o: unknown, p: string): string {
  let cur: unknown = o;
  for (const k of p.split(".")) cur = cur && typeof cur === "object" ? (cur as Json)[k] : undefined;
  return cur === undefined || cur === null ? "" : String(cur);
}

function matchSelectors(item: Json, q: URLSearchParams | undefined): boolean {
  const ls = q?.get("labelSelector");
  if (ls) {
    const labels = ((item.metadata as Json | undefined)?.labels ?? {}) as Json;
    for (const part of ls.split(",")) {
      const [k = "", v] = part.split("=");
      if (v === undefined ? !(k in labels) : labels[k] !== v) return false;
    }
  }
  const fs = q?.get("fieldSelector");
  if (fs) {
    for (const part of fs.split(",")) {
      const neq = part.indexOf("!=");
      if (neq >= 0) {
        if (get(item, part.slice(0, neq)) === part.slice(neq + 2)) return false;
        continue;
      }
      const eq = part.indexOf("=");
      if (get(item, part.slice(0, eq)) !== part.slice(eq + 1)) return false;
    }
  }
  return true;
}

/** Serve `files` (path-derived name → JSON text), e.g. `api_v1_namespaces_default_pods`. */
export function fixtureTransport(
  files: Map<string, string>,
  logs: Map<string, string> = new Map(),
): ApiHandler {
  const fileFor = (p: string): string => p.replace(/^\//, "").replace(/\//g, "_");
  return (req: ApiRequest): ApiResponse => {
    const ok = (body: unknown): ApiResponse => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    if (req.method !== "GET") return status(405, "MethodNotAllowed", "the server does not allow this method");
    const direct = files.get(fileFor(req.path));
    if (direct !== undefined) {
      const parsed = JSON.parse(direct) as Json;
      if (Array.isArray(parsed.items))
        return ok({ ...parsed, items: (parsed.items as Json[]).filter((i) => matchSelectors(i, req.query)) });
      return ok(parsed);
    }
    const seg = req.path.split("/").filter((s) => s !== "");
    // logs
    if (seg[seg.length - 1] === "log") {
      const pod = seg[seg.length - 2] ?? "";
      const text = logs.get(pod);
      if (text === undefined) return status(404, "NotFound", `pods "${pod}" not found`);
      return { status: 200, headers: { "content-type": "text/plain" }, body: text };
    }
    // all-namespaces list: /api/v1/pods → every namespaces_*_pods file
    const base = seg[0] === "api" ? 2 : 3;
    if (seg.length === base + 1 && seg[base] !== "namespaces") {
      const prefix = seg.slice(0, base).join("_");
      const items: Json[] = [];
      let kind = "List";
      for (const [name, text] of files) {
        if (name.startsWith(`${prefix}_namespaces_`) && name.endsWith(`_${seg[base]}`)) {
          const l = JSON.parse(text) as Json;
          kind = String(l.kind);
          items.push(...((l.items as Json[]) ?? []));
        }
      }
      return ok({
        kind,
        apiVersion: "v1",
        metadata: { resourceVersion: "520" },
        items: items.filter((i) => matchSelectors(i, req.query)),
      });
    }
    // single object from its list
    const listPath = seg.slice(0, -1).join("/");
    const list = files.get(fileFor(listPath));
    const name = seg[seg.length - 1] ?? "";
    const resource = seg[seg.length - 2] ?? "";
    if (list !== undefined) {
      const l = JSON.parse(list) as Json;
      const found = ((l.items as Json[]) ?? []).find((i) => get(i, "metadata.name") === name);
      if (found) return ok(found);
      return status(404, "NotFound", `${resource} "${name}" not found`);
    }
    if (seg.includes("namespaces") && seg.length >= base + 3)
      return status(404, "NotFound", `${resource} "${name}" not found`);
    return status(404, "NotFound", "the server could not find the requested resource");
  };
}
