/**
 * The human-readable table printer: renders a server-side `Table` (meta.k8s.io/v1) the way
 * kubectl does — upper-case headers, priority-1 columns only with `-o wide`, optional NAMESPACE,
 * LABELS and `-L` columns, `kind/name` prefixes when several kinds are printed, and the
 * tabwriter with minwidth 6 and padding 3.
 */
import { asArr, asObj, type Obj, str } from "../client";
import { tableTabs } from "../tabwriter";

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object: Obj;
}

export interface Table {
  columns: TableColumn[];
  rows: TableRow[];
}

export interface TableOptions {
  wide: boolean;
  noHeaders: boolean;
  showLabels: boolean;
  labelColumns: string[];
  withNamespace: boolean;
  /** `deployment.apps` → names print as `deployment.apps/x`. */
  kindPrefix?: string;
}

export function tableFromServer(body: Obj): Table {
  const columns = asArr(body.columnDefinitions).map((c) => {
    const o = asObj(c);
    return { name: str(o.name), type: str(o.type), format: str(o.format), priority: Number(o.priority ?? 0) };
  });
  const rows = asArr(body.rows).map((r) => {
    const o = asObj(r);
    return { cells: asArr(o.cells), object: asObj(o.object) };
  });
  return { columns, rows };
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "<none>";
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function labelsText(labels: Obj): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${str(labels[k])}`).join(",");
}

/** The header and row lines, tab-separated, without the tabwriter applied. */
export function tableLines(table: Table, opts: TableOptions): string[] {
  const shown = table.columns.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || c.priority === 0);
  const lines: string[] = [];
  if (!opts.noHeaders) {
    const h: string[] = [];
    if (opts.withNamespace) h.push("NAMESPACE");
    for (const { c } of shown) h.push(c.name.toUpperCase());
    for (const l of opts.labelColumns) h.push(labelColumnHeader(l));
    if (opts.showLabels) h.push("LABELS");
    lines.push(h.join("\t"));
  }
  for (const row of table.rows) {
    const m = asObj(row.object.metadata);
    const cells: string[] = [];
    if (opts.withNamespace) cells.push(str(m.namespace));
    for (const { c, i } of shown) {
      let t = cellText(row.cells[i]);
      if (c.format === "name" && opts.kindPrefix) t = `${opts.kindPrefix}/${t}`;
      cells.push(t);
    }
    const labels = asObj(m.labels);
    for (const l of opts.labelColumns) cells.push(str(labels[l]));
    if (opts.showLabels) cells.push(labelsText(labels));
    lines.push(cells.join("\t"));
  }
  return lines;
}

function labelColumnHeader(l: string): string {
  const parts = l.split("/");
  return (parts[parts.length - 1] ?? l).toUpperCase();
}

export function printTable(table: Table, opts: TableOptions): string {
  const lines = tableLines(table, opts);
  if (lines.length === 0) return "";
  return tableTabs(`${lines.join("\n")}\n`);
}
