import { ApiError, type RestClient } from "../client";
import type { FlagSpec, ParsedFlags } from "../flags";
import type { KubectlIO as ProgramIO } from "../io";

/** What every command gets after the Options/Complete steps shared by all of kubectl. */
export interface Ctx {
  io: ProgramIO;
  client: RestClient;
  /** -n, or the kubeconfig context's namespace (`default`). */
  namespace: string;
  namespaceExplicit: boolean;
  /** `kubectl get`, `kubectl rollout status` — for usage hints. */
  path: string;
  out(s: string): void;
  err(s: string): void;
}

export interface Command {
  name: string;
  aliases?: string[];
  short: string;
  /** Its own flags; the root's persistent (global) flags apply to every command as well. */
  flags: FlagSpec[];
  /**
   * What its first argument names, as cobra's ValidArgsFunction completes it: a resource type
   * (`TYPE`, `TYPE NAME`, `TYPE/NAME`) or a pod (`POD`, `TYPE/NAME`).
   */
  args?: "resource" | "pod";
  run?(ctx: Ctx, f: ParsedFlags): Promise<number>;
  sub?: Command[];
}

/** Sleep on the injected scheduler; resolves early (false) on Ctrl-C. */
export function sleep(io: ProgramIO, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (io.interrupt.interrupted) {
      resolve(false);
      return;
    }
    let done = false;
    const h = io.scheduler.setTimeout(() => {
      if (done) return;
      done = true;
      resolve(true);
    }, ms);
    void io.interrupt.promise.then(() => {
      if (done) return;
      done = true;
      io.scheduler.clearTimeout(h);
      resolve(false);
    });
  });
}

/**
 * A request about one of the objects a command was given failed. kubectl prints the server's
 * words and goes on to the next object; an error that is not the server's is rethrown.
 * `ignoreNotFound` (`--ignore-not-found`, or what is already gone for `wait --for=delete`): a
 * 404 prints nothing. Returns whether it counts as a failure (the command exits 1).
 */
export function reportObjectError(ctx: Ctx, e: unknown, ignoreNotFound = false): boolean {
  if (!(e instanceof ApiError)) throw e;
  if (ignoreNotFound && e.status === 404) return false;
  ctx.err(`${e.serverText()}\n`);
  return true;
}
