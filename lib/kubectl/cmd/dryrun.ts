/**
 * `--dry-run=none|client|server` and the result line or `-o` print every mutating verb shares
 * (cmdutil.GetDryRunStrategy, PrintFlags.ToPrinter with the "created"/"scaled"… operation).
 * Client dry run sends nothing that changes; server dry run sends the request with `dryRun=All`.
 */
import { utcFields } from "../../cluster/time";
import { fail, type Obj } from "../client";
import type { FlagSpec, ParsedFlags } from "../flags";
import { parseOutput, printObjects } from "../printers";
import { printJsonTyped } from "../printers/json";
import type { Ctx } from "./types";

export type DryRun = "none" | "client" | "server";

/** `--dry-run` alone means `unchanged` (pflag's NoOptDefVal): client, with a deprecation warning. */
export const dryRunFlag: FlagSpec = { name: "dry-run", kind: "string", def: "none", noOptDef: "unchanged" };

/** klog's header: `W1202 09:27:38.037507   13106 helpers.go:702] ` (level, date, time, pid, file). */
export function klog(ctx: Ctx, level: "W" | "E" | "I", at: string, msg: string): string {
  const now = ctx.io.clock.now();
  const t = utcFields(now);
  const micros = String((now % 1000) * 1000).padStart(6, "0");
  return `${level}${t.mm}${t.dd} ${t.hms}.${micros}   4242 ${at}] ${msg}\n`;
}

export function dryRunOf(ctx: Ctx, f: ParsedFlags): DryRun {
  const v = f.str("dry-run");
  switch (v) {
    case "none":
    case "client":
    case "server":
      return v;
    case "unchanged":
      ctx.err(
        klog(
          ctx,
          "W",
          "helpers.go:702",
          "--dry-run is deprecated and can be replaced with --dry-run=client.",
        ),
      );
      return "client";
    default:
      throw fail(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
  }
}

/** The query a request carries: `dryRun=All` on a server dry run. */
export function dryRunQuery(d: DryRun): Record<string, string> {
  return d === "server" ? { dryRun: "All" } : {};
}

export const dryRunSuffix = (d: DryRun): string =>
  d === "client" ? " (dry run)" : d === "server" ? " (server dry run)" : "";

/**
 * Prints what a mutation did: `-o FORMAT` prints the object (kubectl's own typed object keeps its
 * struct's field order in JSON; one read from the server is a map with sorted keys), otherwise
 * `PREFIX/NAME OPERATION` and the dry-run suffix.
 */
export function printOutcome(
  ctx: Ctx,
  f: ParsedFlags,
  o: { obj: Obj; prefix: string; name: string; operation: string; dryRun: DryRun; typed?: boolean },
): void {
  if (f.str("output") !== "" || f.str("template") !== "") {
    const out = parseOutput(f, false, ctx.io.regexCost);
    if (out.kind === "json" && o.typed) ctx.out(printJsonTyped(o.obj));
    else ctx.out(printObjects(out, [o.obj], true, () => o.prefix));
    return;
  }
  ctx.out(`${o.prefix}/${o.name} ${o.operation}${dryRunSuffix(o.dryRun)}\n`);
}
