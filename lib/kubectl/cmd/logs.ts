import { ApiError, asObj, CmdError, parseBody, str } from "../client";
import type { ParsedFlags } from "../flags";
import { pickContainer, resolvePod } from "./pods";
import type { Command, Ctx } from "./types";

/** GET pods/log; the server's refusal (a container waiting to start) as kubectl prints it. */
function readLog(ctx: Ctx, m: Record<string, unknown>, query: Record<string, string>) {
  const res = ctx.client.send("GET", `/api/v1/namespaces/${str(m.namespace)}/pods/${str(m.name)}/log`, {
    query,
    accept: "application/json, */*",
  });
  if (res.status >= 400) {
    const body = parseBody(res);
    throw new ApiError(res.status, str(body?.reason), str(body?.message) || res.body, body).toCmdError();
  }
  return res;
}

/**
 * `kubectl logs -l SELECTOR`: each matching pod's default container in turn (the last 10 lines
 * unless --tail says otherwise), `[pod/NAME/CONTAINER] ` before each line with --prefix; the
 * first pod whose logs cannot be read ends it with the server's error.
 */
async function logsBySelector(ctx: Ctx, f: ParsedFlags, selector: string): Promise<number> {
  const list = ctx.client.json("GET", `/api/v1/namespaces/${ctx.namespace}/pods`, {
    query: { labelSelector: selector },
  });
  const pods = Array.isArray(list.items) ? (list.items as Record<string, unknown>[]) : [];
  if (pods.length === 0) {
    ctx.err(`No resources found in ${ctx.namespace} namespace.\n`);
    return 0;
  }
  const tail = f.changed.has("tail") ? f.int("tail") : 10;
  for (const pod of pods) {
    const m = asObj(pod.metadata);
    const container = pickContainer(ctx, pod, f.str("container"), "logs");
    const query: Record<string, string> = { container };
    if (tail >= 0) query.tailLines = String(tail);
    if (f.bool("timestamps")) query.timestamps = "true";
    if (f.bool("previous")) query.previous = "true";
    const res = readLog(ctx, m, query);
    const prefix = `[pod/${str(m.name)}/${container}] `;
    if (!f.bool("prefix")) ctx.out(res.body);
    else {
      const lines = res.body.split("\n");
      const last = lines.pop() ?? "";
      ctx.out(lines.map((l) => `${prefix}${l}\n`).join("") + (last === "" ? "" : `${prefix}${last}`));
    }
  }
  return 0;
}

export const logsCommand: Command = {
  name: "logs",
  args: "pod",
  short: "Print the logs for a container in a pod",
  flags: [
    { name: "follow", short: "f", kind: "bool", def: "false" },
    { name: "container", short: "c", kind: "string", def: "" },
    { name: "tail", kind: "int", def: "-1" },
    { name: "timestamps", kind: "bool", def: "false" },
    { name: "previous", short: "p", kind: "bool", def: "false" },
    { name: "since", kind: "string", def: "0s" },
    { name: "since-time", kind: "string", def: "" },
    { name: "limit-bytes", kind: "int", def: "0" },
    { name: "all-containers", kind: "bool", def: "false" },
    { name: "prefix", kind: "bool", def: "false" },
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "max-log-requests", kind: "int", def: "5" },
    { name: "pod-running-timeout", kind: "string", def: "20s" },
    { name: "ignore-errors", kind: "bool", def: "false" },
  ],
  async run(ctx, f) {
    const selector = f.str("selector");
    if (selector !== "") {
      if (f.args.length > 0)
        throw new CmdError(
          "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n",
        );
      return logsBySelector(ctx, f, selector);
    }
    if (f.args.length === 0) {
      throw new CmdError(
        "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n",
      );
    }
    if (f.args.length > 2) {
      throw new CmdError(
        "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nSee 'kubectl logs -h' for help and examples\n",
      );
    }
    const target = resolvePod(ctx, f.args[0] ?? "", "logs");
    if (target.found > 1)
      ctx.err(`Found ${target.found} pods, using pod/${str(asObj(target.pod.metadata).name)}\n`);
    const container = pickContainer(ctx, target.pod, f.str("container") || (f.args[1] ?? ""), "logs");
    const m = asObj(target.pod.metadata);
    const query: Record<string, string> = { container };
    if (f.bool("follow")) query.follow = "true";
    if (f.bool("previous")) query.previous = "true";
    if (f.int("tail") >= 0 && f.changed.has("tail")) query.tailLines = String(f.int("tail"));
    if (f.bool("timestamps")) query.timestamps = "true";
    if (f.int("limit-bytes") > 0) query.limitBytes = String(f.int("limit-bytes"));
    const since = f.str("since");
    if (f.changed.has("since")) {
      const mm = /^(\d+)(s|m|h)$/.exec(since);
      if (mm) query.sinceSeconds = String(Number(mm[1]) * (mm[2] === "h" ? 3600 : mm[2] === "m" ? 60 : 1));
    }
    if (f.str("since-time")) query.sinceTime = f.str("since-time");
    const res = readLog(ctx, m, query);
    if (!res.stream) {
      ctx.out(res.body);
      return 0;
    }
    const stream = res.stream;
    let interrupted = false;
    await new Promise<void>((resolve) => {
      stream.start(
        (chunk) => ctx.out(chunk),
        () => resolve(),
      );
      void ctx.io.interrupt.promise.then(() => {
        interrupted = true;
        stream.close();
        resolve();
      });
    });
    return interrupted ? 130 : 0;
  },
};
