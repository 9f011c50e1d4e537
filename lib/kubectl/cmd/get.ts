import {
  ApiError,
  asArr,
  asObj,
  checkResponse,
  fail,
  groupVersion,
  kindPrefix,
  type Obj,
  parseBody,
  type ResourceInfo,
  str,
  TABLE_ACCEPT,
} from "../client";
import type { ParsedFlags } from "../flags";
import type { KubectlIO as ProgramIO } from "../io";
import { type Output, parseOutput, printFlags, printObjects } from "../printers";
import { printTable, type Table, type TableOptions, tableFromServer, tableLines } from "../printers/table";
import { tableTabs } from "../tabwriter";
import { humanDuration, parseTime } from "../time";
import { checkNamesWithSelector, parseResourceArgs } from "./resources";
import { objectKey, sortByJsonPath } from "./sort";
import { type Command, type Ctx, reportObjectError } from "./types";

/** When the server cannot produce a Table: NAME and AGE, as kubectl's default printer does. */
function fallbackTable(objs: Obj[], now: number): Table {
  return {
    columns: [
      { name: "Name", type: "string", format: "name", priority: 0 },
      { name: "Age", type: "string", format: "", priority: 0 },
    ],
    rows: objs.map((o) => {
      const m = asObj(o.metadata);
      const t = parseTime(m.creationTimestamp);
      return { cells: [str(m.name), t === undefined ? "<unknown>" : humanDuration(now - t)], object: o };
    }),
  };
}

function withTypeMeta(o: Obj, info: ResourceInfo): Obj {
  if (o.apiVersion && o.kind) return o;
  return { apiVersion: groupVersion(info), kind: info.kind, ...o };
}

export function listQuery(f: ParsedFlags): Record<string, string> {
  const q: Record<string, string> = { limit: "500" };
  const l = f.str("selector");
  if (l) q.labelSelector = l;
  const fs = f.str("field-selector");
  if (fs) q.fieldSelector = fs;
  return q;
}

/** What `get -w` watches after it printed the current state (kubectl's GetOptions.watch). */
interface WatchTarget {
  path: string;
  query: Record<string, string>;
  opts: TableOptions;
  /** The rows printed before the watch: later rows keep at least their column widths. */
  table?: Table;
  /**
   * A watch of named objects starts at resourceVersion 0, so the server first replays each
   * object as a synthetic ADDED event: kubectl skips that first event, since it printed the
   * object already.
   */
  skipFirst: boolean;
}

/**
 * Follows a watch whose events carry one-row Tables (the server's printer columns, as for the
 * list): prints each event's row as it arrives, column widths only ever growing, like kubectl's
 * tabwriter that is flushed after each event. Returns the exit code: 130 after Ctrl-C (as for a
 * process killed by SIGINT), 1 after an ERROR event (e.g. Expired), 0 when the server ends it.
 */
async function watchTable(ctx: Ctx, w: WatchTarget, watchOnly: boolean): Promise<number> {
  const res = ctx.client.send("GET", w.path, { query: { ...w.query, watch: "true" }, accept: TABLE_ACCEPT });
  if (!res.stream) {
    checkResponse(res);
    return 0;
  }
  const stream = res.stream;
  const io: ProgramIO = ctx.io;
  let buf = "";
  let prevRows: string[] = w.table ? tableLines(w.table, { ...w.opts, noHeaders: false }) : [];
  let columns = w.table?.columns ?? [];
  // --watch-only prints the header with the first row it shows
  let headerDue = watchOnly && !w.opts.noHeaders;
  let skip = w.skipFirst;
  let code = 0;
  await new Promise<void>((resolve) => {
    const onLine = (line: string): void => {
      let ev: Obj;
      try {
        ev = JSON.parse(line) as Obj;
      } catch {
        return;
      }
      const obj = asObj(ev.object);
      if (ev.type === "ERROR") {
        ctx.err(
          `${new ApiError(Number(obj.code ?? 500), str(obj.reason), str(obj.message), obj).serverText()}\n`,
        );
        code = 1;
        stream.close();
        resolve();
        return;
      }
      const t: Table = obj.kind === "Table" ? tableFromServer(obj) : fallbackTable([obj], io.clock.now());
      // the server sends the column definitions with the first event only: keep them
      if (t.columns.length === 0) t.columns = columns;
      else columns = t.columns;
      if (skip) {
        skip = false;
        return;
      }
      const rows = tableLines(t, { ...w.opts, noHeaders: !headerDue });
      headerDue = false;
      // keep the columns as wide as what was printed before (tabwriter.RememberWidths)
      const all = tableTabs(`${[...prevRows, ...rows].join("\n")}\n`).split("\n");
      const mine = all.slice(prevRows.length, prevRows.length + rows.length);
      prevRows = [...prevRows, ...rows];
      ctx.out(mine.map((l) => `${l}\n`).join(""));
    };
    stream.start(
      (chunk) => {
        buf += chunk;
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
          onLine(line);
        }
      },
      () => resolve(),
    );
    void io.interrupt.promise.then(() => {
      code = 130;
      stream.close();
      resolve();
    });
  });
  return code;
}

export const getCommand: Command = {
  name: "get",
  args: "resource",
  short: "Display one or many resources",
  flags: [
    ...printFlags,
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "field-selector", kind: "string", def: "" },
    { name: "all-namespaces", short: "A", kind: "bool", def: "false" },
    { name: "show-labels", kind: "bool", def: "false" },
    { name: "no-headers", kind: "bool", def: "false" },
    { name: "label-columns", short: "L", kind: "strings", def: "" },
    { name: "watch", short: "w", kind: "bool", def: "false" },
    { name: "watch-only", kind: "bool", def: "false" },
    { name: "ignore-not-found", kind: "bool", def: "false" },
    { name: "chunk-size", kind: "int", def: "500" },
    { name: "sort-by", kind: "string", def: "" },
    { name: "show-kind", kind: "bool", def: "false" },
    { name: "output-watch-events", kind: "bool", def: "false" },
    { name: "raw", kind: "string", def: "" },
    { name: "subresource", kind: "string", def: "" },
    { name: "filename", short: "f", kind: "strings", def: "" },
    { name: "recursive", short: "R", kind: "bool", def: "false" },
  ],
  async run(ctx, f) {
    const raw = f.str("raw");
    if (raw) {
      const res = ctx.client.send("GET", raw.split("?")[0] ?? raw);
      if (res.status >= 400) {
        const body = parseBody(res);
        throw new ApiError(res.status, str(body?.reason), str(body?.message) || res.body, body).toCmdError();
      }
      ctx.out(res.body.endsWith("\n") ? res.body : `${res.body}\n`);
      return 0;
    }
    const output: Output = parseOutput(f, true, ctx.io.regexCost);
    const sortBy = f.str("sort-by");
    if (f.args.length === 0) {
      ctx.err(
        'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n',
      );
      ctx.err(
        "error: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n",
      );
      return 1;
    }
    const allNs = f.bool("all-namespaces");
    checkNamesWithSelector(f.args, f.str("selector") !== "");
    const { requests, singleItem, multiKind } = parseResourceArgs(ctx.client, f.args);
    const now = ctx.io.clock.now();
    const table = output.kind === "table" || output.kind === "wide";
    const tableOpts = (info: ResourceInfo): TableOptions => ({
      wide: output.kind === "wide",
      noHeaders: f.bool("no-headers"),
      showLabels: f.bool("show-labels"),
      labelColumns: f.list("label-columns").flatMap((x) => x.split(",")),
      withNamespace: allNs && info.namespaced,
      kindPrefix: multiKind || f.bool("show-kind") ? kindPrefix(info) : undefined,
    });
    let exit = 0;
    const collected: Obj[] = [];
    const kindOf = new Map<Obj, ResourceInfo>();
    const chunks: string[] = [];
    let anyFound = false;
    const watchOnly = f.bool("watch-only");
    let lastWatch: WatchTarget | undefined;
    for (const r of requests) {
      const ns = r.info.namespaced && !allNs ? ctx.namespace : undefined;
      if (r.names.length > 0) {
        const tableRows: Table = { columns: [], rows: [] };
        for (const name of r.names) {
          const p = ctx.client.resourcePath(r.info, ns, name);
          try {
            if (table) {
              const res = ctx.client.send("GET", p, { accept: TABLE_ACCEPT });
              const body = checkResponse(res);
              const t = body.kind === "Table" ? tableFromServer(body) : fallbackTable([body], now);
              if (tableRows.columns.length === 0) tableRows.columns = t.columns;
              tableRows.rows.push(...t.rows);
              lastWatch = {
                path: ctx.client.resourcePath(r.info, ns),
                query: { fieldSelector: `metadata.name=${name}`, resourceVersion: "0" },
                opts: tableOpts(r.info),
                skipFirst: true,
              };
            } else {
              const o = withTypeMeta(ctx.client.get(p), r.info);
              collected.push(o);
              kindOf.set(o, r.info);
            }
            anyFound = true;
          } catch (e) {
            if (reportObjectError(ctx, e, f.bool("ignore-not-found"))) exit = 1;
          }
        }
        if (table && tableRows.rows.length > 0) {
          chunks.push(printTable(tableRows, tableOpts(r.info)));
          if (lastWatch && !watchOnly) lastWatch.table = tableRows;
        }
        continue;
      }
      const p = ctx.client.resourcePath(r.info, ns);
      const q = listQuery(f);
      if (table) {
        const res = ctx.client.send("GET", p, { query: q, accept: TABLE_ACCEPT });
        const body = checkResponse(res);
        const t =
          body.kind === "Table" ? tableFromServer(body) : fallbackTable(asArr(body.items).map(asObj), now);
        if (sortBy && t.rows.length > 1) {
          // the rows carry partial metadata only: sort by the full objects of the same list
          const full = new Map(
            asArr(ctx.client.get(p, q).items).map((it) => [objectKey(asObj(it)), asObj(it)]),
          );
          t.rows = sortByJsonPath(
            t.rows,
            sortBy,
            (row) => full.get(objectKey(row.object)) ?? row.object,
            ctx.io.regexCost,
          );
        }
        // a list's resourceVersion is "now": the watch then sends changes only
        const rv = str(asObj(body.metadata).resourceVersion);
        lastWatch = {
          path: p,
          query: {
            ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}),
            ...(q.fieldSelector ? { fieldSelector: q.fieldSelector } : {}),
            ...(rv ? { resourceVersion: rv } : {}),
          },
          opts: tableOpts(r.info),
          ...(watchOnly ? {} : { table: t }),
          skipFirst: !rv,
        };
        if (t.rows.length === 0) continue;
        anyFound = true;
        chunks.push(printTable(t, tableOpts(r.info)));
      } else {
        const body = ctx.client.get(p, q);
        for (const it of asArr(body.items).map(asObj)) {
          const o = withTypeMeta(it, r.info);
          collected.push(o);
          kindOf.set(o, r.info);
          anyFound = true;
        }
      }
    }
    if (table) {
      if (!watchOnly) ctx.out(chunks.join("\n"));
    } else if (collected.length > 0 || (anyFound && !singleItem)) {
      const text = printObjects(
        output,
        sortBy && collected.length > 1
          ? sortByJsonPath(collected, sortBy, (o) => o, ctx.io.regexCost)
          : collected,
        singleItem,
        (o) => {
          const info = kindOf.get(o);
          return info ? kindPrefix(info) : str(o.kind).toLowerCase();
        },
        f.bool("no-headers"),
      );
      ctx.out(text);
    } else if (
      !table &&
      output.kind !== "name" &&
      requests.every((r) => r.names.length === 0) &&
      !f.bool("watch")
    ) {
      // an empty list still prints in json/yaml/jsonpath/templates
      if (output.kind === "json" || output.kind === "yaml")
        ctx.out(printObjects(output, [], false, () => ""));
    }
    const listed = requests.every((r) => r.names.length === 0);
    if (
      !anyFound &&
      listed &&
      exit === 0 &&
      !f.bool("watch") &&
      !watchOnly &&
      (table || output.kind === "name" || output.kind === "custom-columns")
    ) {
      const namespaced = requests.some((r) => r.info.namespaced);
      ctx.err(
        namespaced && !allNs ? `No resources found in ${ctx.namespace} namespace.\n` : "No resources found\n",
      );
    }
    if ((f.bool("watch") || f.bool("watch-only")) && lastWatch) {
      if (requests.length > 1) throw fail("you may only specify a single resource type");
      const code = await watchTable(ctx, lastWatch, watchOnly);
      if (code !== 0) return code;
    }
    return exit;
  },
};
