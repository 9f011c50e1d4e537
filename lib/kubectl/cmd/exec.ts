/**
 * `kubectl exec`. Non-interactive commands go to the pods/exec subresource (the cluster runs
 * the command in its simulated container and answers with its output); `-ti … bash` hands the
 * terminal to the container shell through the Machine's optional `enterContainer` hook.
 */

import { ApiError, asObj, CmdError, fail, parseBody, str } from "../client";
import type { KubectlMachine as Machine } from "../io";
import { pickContainer, resolvePod } from "./pods";
import type { Command, Ctx } from "./types";

/** Optional capability of a Machine: run an interactive container shell in the foreground. */
export interface ContainerShellHost {
  enterContainer?(req: {
    namespace: string;
    pod: string;
    container: string;
    command: string[];
    stdin: boolean;
    tty: boolean;
    /** The command's streams instead of the terminal's (`kubectl cp` pipes tar through them). */
    streams?: { stdin: string; stdout(c: string): void; stderr(c: string): void };
  }): Promise<number>;
}

export const hostOf = (m: Machine): ContainerShellHost => m as Machine & ContainerShellHost;

function legacyError(ctx: Ctx, pod: string, command: string[]): CmdError {
  const modern = `kubectl exec ${pod} -- ${command.join(" ")}`;
  const hint = ctx.io.tty ? `\x1b[33mhint: ${hintText(modern)}\x1b[0m\n` : `hint: ${hintText(modern)}\n`;
  return new CmdError(
    "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n" +
      hint,
  );
}

function hintText(modern: string): string {
  return `(kubeclass) put "--" before the command: ${modern}`;
}

export const execCommand: Command = {
  name: "exec",
  args: "pod",
  short: "Execute a command in a container",
  flags: [
    { name: "container", short: "c", kind: "string", def: "" },
    { name: "stdin", short: "i", kind: "bool", def: "false" },
    { name: "tty", short: "t", kind: "bool", def: "false" },
    { name: "quiet", short: "q", kind: "bool", def: "false" },
    { name: "filename", short: "f", kind: "strings", def: "" },
    { name: "pod-running-timeout", kind: "string", def: "1m0s" },
  ],
  async run(ctx, f) {
    const args = f.args;
    const dash = f.argsLenAtDash;
    if (args.length === 0 || dash === 0) throw fail("pod, type/name or --filename must be specified");
    const podArg = args[0] ?? "";
    if (dash < 0 && args.length > 1) throw legacyError(ctx, podArg, args.slice(1));
    const command = args.slice(1);
    if (command.length === 0) throw fail("you must specify at least one command for the container");
    const target = resolvePod(ctx, podArg, "exec");
    const pod = target.pod;
    const m = asObj(pod.metadata);
    const phase = str(asObj(pod.status).phase);
    if (phase === "Succeeded" || phase === "Failed")
      throw fail(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    const container = pickContainer(ctx, pod, f.str("container"), "exec");
    const ns = str(m.namespace);
    const name = str(m.name);
    const stdin = f.bool("stdin");
    const tty = f.bool("tty");
    // kubectl's SetupTTY: -t without -i silently drops the TTY; -ti on an input that is not a
    // terminal (piped lines) warns and goes on without one.
    if (tty && stdin && !ctx.io.tty && !f.bool("quiet"))
      ctx.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    const host = hostOf(ctx.io.machine);
    if (host.enterContainer) {
      return host.enterContainer({
        namespace: ns,
        pod: name,
        container,
        command,
        stdin,
        tty: tty && ctx.io.tty,
      });
    }
    const query = new URLSearchParams();
    for (const c of command) query.append("command", c);
    query.append("container", container);
    if (stdin) query.append("stdin", "true");
    query.append("stdout", "true");
    query.append("stderr", "true");
    if (tty) query.append("tty", "true");
    const res = ctx.io.machine.api({
      method: "POST",
      path: `/api/v1/namespaces/${ns}/pods/${name}/exec`,
      query,
      headers: { accept: "*/*", "x-stream-protocol-version": "v5.channel.k8s.io" },
      ...(stdin ? { body: ctx.io.stdin } : {}),
    });
    if (res.status >= 400) {
      const body = parseBody(res);
      if (res.status === 404 && body?.kind !== "Status")
        throw fail("exec is not available on this cluster yet");
      throw new ApiError(res.status, str(body?.reason), str(body?.message) || res.body, body).toCmdError();
    }
    // The exec answer: JSON {stdout, stderr, exitCode} (the simulated stream protocol).
    const body = parseBody(res);
    if (body && ("stdout" in body || "exitCode" in body)) {
      if (str(body.stdout)) ctx.out(str(body.stdout));
      if (str(body.stderr)) ctx.err(str(body.stderr));
      const code = Number(body.exitCode ?? 0);
      if (code !== 0) {
        ctx.err(`command terminated with exit code ${code}\n`);
      }
      return code;
    }
    ctx.out(res.body);
    return 0;
  },
};
