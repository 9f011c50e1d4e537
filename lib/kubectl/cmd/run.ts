/**
 * `kubectl run NAME --image=IMAGE [--port] [--env] [--labels] [--restart] [-i -t [--rm]] [-- ARGS]`:
 * builds the Pod kubectl's generator builds (typed, so `-o json` keeps the struct's field order),
 * creates it (or not, on a dry run), and with `-i`/`--attach` waits for it to run and attaches
 * the terminal to its container; `--rm` deletes the pod after the session.
 */
import { ApiError, asObj, fail, type Obj, str } from "../client";
import type { ParsedFlags } from "../flags";
import { createAndPrint } from "./create";
import { dryRunFlag, dryRunOf } from "./dryrun";
import { type ContainerShellHost, execCommand } from "./exec";
import { type Command, type Ctx, reportObjectError, sleep } from "./types";

const usageError = (msg: string): Error => fail(`${msg}\nSee 'kubectl run -h' for help and examples`);

/** distribution/reference's grammar, as kubectl checks `--image` before building anything. */
const REFERENCE =
  /^((?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$/;

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of s.split(",")) {
    const i = kv.indexOf("=");
    if (i <= 0) throw fail(`invalid label spec: ${kv}`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** The Pod kubectl's run generator builds, fields in the Go structs' order. */
export function podFor(name: string, f: ParsedFlags, rest: string[]): Obj {
  const labels = f.str("labels") ? parseLabels(f.str("labels")) : { run: name };
  const port = f.str("port");
  let containerPort: number | undefined;
  if (port !== "") {
    if (!/^[+-]?\d+$/.test(port)) throw fail(`strconv.Atoi: parsing "${port}": invalid syntax`);
    containerPort = Number(port);
  }
  const env = f.list("env").map((e) => {
    const i = e.indexOf("=");
    if (i < 0) throw fail(`invalid env: ${e}`);
    return { name: e.slice(0, i), value: e.slice(i + 1) };
  });
  const stdin = f.bool("stdin");
  const container: Obj = { name, image: f.str("image") };
  if (rest.length > 0) container[f.bool("command") ? "command" : "args"] = rest;
  if (containerPort !== undefined && containerPort > 0) container.ports = [{ containerPort }];
  if (env.length > 0) container.env = env;
  container.resources = {};
  if (f.str("image-pull-policy")) container.imagePullPolicy = f.str("image-pull-policy");
  if (stdin) {
    container.stdin = true;
    container.stdinOnce = true;
  }
  if (f.bool("tty")) container.tty = true;
  const annotations = f.list("annotations");
  const metadata: Obj = { name, creationTimestamp: null, labels };
  if (annotations.length > 0)
    metadata.annotations = Object.fromEntries(
      annotations.map((a) => [a.slice(0, Math.max(0, a.indexOf("="))), a.slice(a.indexOf("=") + 1)]),
    );
  return {
    kind: "Pod",
    apiVersion: "v1",
    metadata,
    spec: { containers: [container], restartPolicy: f.str("restart"), dnsPolicy: "ClusterFirst" },
    status: {},
  };
}

/** Polls the pod until it runs (or ends); false when it did not within the timeout or on Ctrl-C. */
async function waitForRunning(
  ctx: Ctx,
  ns: string,
  name: string,
  timeoutMs: number,
): Promise<Obj | undefined> {
  const start = ctx.io.clock.now();
  for (;;) {
    let pod: Obj;
    try {
      pod = ctx.client.get(`/api/v1/namespaces/${ns}/pods/${name}`);
    } catch (e) {
      if (e instanceof ApiError) throw e.toCmdError();
      throw e;
    }
    const phase = str(asObj(pod.status).phase);
    if (phase === "Running" || phase === "Succeeded" || phase === "Failed") return pod;
    if (ctx.io.clock.now() - start >= timeoutMs) return undefined;
    if (!(await sleep(ctx.io, 500))) return undefined;
  }
}

export const runCommand: Command = {
  name: "run",
  short: "Run a particular image on the cluster",
  flags: [
    { name: "image", kind: "string", def: "" },
    { name: "port", kind: "string", def: "" },
    { name: "env", kind: "strings", def: "" },
    { name: "labels", short: "l", kind: "string", def: "" },
    { name: "annotations", kind: "strings", def: "" },
    { name: "restart", kind: "string", def: "Always" },
    { name: "image-pull-policy", kind: "string", def: "" },
    { name: "command", kind: "bool", def: "false" },
    { name: "stdin", short: "i", kind: "bool", def: "false" },
    { name: "tty", short: "t", kind: "bool", def: "false" },
    { name: "attach", kind: "bool", def: "false" },
    { name: "rm", kind: "bool", def: "false" },
    { name: "quiet", short: "q", kind: "bool", def: "false" },
    { name: "pod-running-timeout", kind: "string", def: "1m0s" },
    { name: "timeout", kind: "string", def: "0s" },
    { name: "overrides", kind: "string", def: "" },
    { name: "privileged", kind: "bool", def: "false" },
    { name: "expose", kind: "bool", def: "false" },
    { name: "field-manager", kind: "string", def: "kubectl-run" },
    dryRunFlag,
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "template", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    // cobra checks required flags first
    if (!f.str("image")) throw fail('required flag(s) "image" not set');
    const dash = f.argsLenAtDash;
    const named = dash < 0 ? f.args : f.args.slice(0, dash);
    const name = named[0];
    if (!name) throw usageError("NAME is required for run");
    const rest = dash < 0 ? f.args.slice(1) : f.args.slice(dash);
    const image = f.str("image");
    if (!REFERENCE.test(image)) throw fail(`Invalid image name "${image}": invalid reference format`);
    const dryRun = dryRunOf(ctx, f);
    const stdin = f.bool("stdin");
    const tty = f.bool("tty");
    const attach = f.changed.has("attach") ? f.bool("attach") : stdin;
    if (dryRun !== "none" && (attach || stdin || tty))
      throw usageError(
        "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)",
      );
    if (tty && !stdin) throw usageError("-i/--stdin is required for containers with -t/--tty=true");
    const restart = f.str("restart");
    if (!["Always", "OnFailure", "Never"].includes(restart))
      throw usageError(`invalid restart policy: ${restart}`);
    if (f.bool("rm") && !attach) throw usageError("--rm should only be used for attached containers");
    const pod = podFor(name, f, rest);
    const ns = ctx.namespace;
    if (!attach) {
      return createAndPrint(ctx, f, {
        path: `/api/v1/namespaces/${ns}/pods`,
        body: pod,
        prefix: "pod",
        name,
        fieldManager: f.str("field-manager"),
      });
    }
    try {
      ctx.client.json("POST", `/api/v1/namespaces/${ns}/pods`, {
        body: pod,
        query: { fieldManager: f.str("field-manager"), fieldValidation: "Strict" },
      });
    } catch (e) {
      if (e instanceof ApiError) throw e.toCmdError();
      throw e;
    }
    const running = await waitForRunning(ctx, ns, name, 60_000);
    if (!running) {
      if (ctx.io.interrupt.interrupted) return 130;
      throw fail("timed out waiting for the condition");
    }
    const quiet = f.bool("quiet");
    const host = ctx.io.machine as typeof ctx.io.machine & ContainerShellHost;
    let code = 0;
    if (tty && stdin && !ctx.io.tty && !quiet)
      ctx.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    const command = rest.length > 0 ? rest : ["sh"];
    if (host.enterContainer && str(asObj(running.status).phase) === "Running") {
      if (tty && ctx.io.tty && !quiet) ctx.err("If you don't see a command prompt, try pressing enter.\n");
      code = await host.enterContainer({
        namespace: ns,
        pod: name,
        container: name,
        command,
        stdin,
        tty: tty && ctx.io.tty,
      });
      if (tty && ctx.io.tty && restart === "Always" && !quiet)
        ctx.out(
          `Session ended, resume using 'kubectl attach ${name} -c ${name} -i -t' command when the pod is running\n`,
        );
    } else if (rest.length > 0) {
      // no terminal host (a script): run the command as exec would and print its output
      code = (await execCommand.run?.(ctx, { ...f, args: [name, ...rest], argsLenAtDash: 1 })) ?? 0;
    }
    if (f.bool("rm")) {
      try {
        ctx.client.json("DELETE", `/api/v1/namespaces/${ns}/pods/${name}`, {
          body: { propagationPolicy: "Background" },
        });
        ctx.out(`pod "${name}" deleted\n`);
      } catch (e) {
        reportObjectError(ctx, e);
      }
    }
    return code;
  },
};
