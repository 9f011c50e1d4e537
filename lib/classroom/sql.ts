/**
 * The pg pool of the live-session data path (docs/adr/0014-live-session-write-path.md): journal, progress and
 * snapshot rows are written in batches of one statement each, straight through the pg driver.
 * Prisma stays for everything else (pages, auth, seeding).
 */
import pg from "pg";

export type Pool = pg.Pool;

/** `min` connections stay open when idle (the live path's first queries do not wait for a connect). */
export function createPool(connectionString: string, max = 10, min = 0): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    min,
    // A hung database must fail a query in bounded time so the write queue can retry it.
    connectionTimeoutMillis: 5_000,
    query_timeout: 15_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose connection drops emits on the pool; the next query reconnects.
  pool.on("error", () => {});
  return pool;
}

/**
 * Whether an error says "the database could not be reached / the connection broke" (retry the
 * same rows) rather than "these rows are wrong" (retrying them would fail forever).
 */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  // SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention, e.g. shutdown),
  // 40001/40P01 (serialization/deadlock), and Node's socket errors.
  if (/^(08|53|57)/.test(code) || code === "40001" || code === "40P01") return true;
  if (/^E[A-Z]+$/.test(code)) return true;
  const message = typeof e?.message === "string" ? e.message : "";
  return /timeout|terminated|Connection|ECONNRE|socket|closed/i.test(message);
}

/** `$first::type, $first+1::type, …`: typed placeholders, for statements built from parts. */
export function params(first: number, types: readonly string[]): string {
  return types.map((t, i) => `$${first + i}::${t}`).join(", ");
}

/** One array per column (`unnest` parameters) from rows, in one pass over the rows. */
export function columns<T>(rows: readonly T[], cols: ReadonlyArray<(row: T) => unknown>): unknown[][] {
  const out = cols.map(() => new Array<unknown>(rows.length));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let c = 0; c < cols.length; c++) out[c]![i] = cols[c]!(row);
  }
  return out;
}

/** A timestamp(3) column's value from epoch milliseconds (the columns hold UTC, no zone). */
export function sqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

/** Postgres text cannot hold NUL; a stray one must not make a row unwritable. */
export function sqlText(s: string): string {
  return s.includes("\0") ? s.replaceAll("\0", "\uFFFD") : s;
}

const globalForPool = globalThis as unknown as { kubeclassPool?: pg.Pool };

/** The process's pool for pages and route handlers (like `db()`; survives Next dev reloads). */
export function sharedPool(): pg.Pool {
  if (!globalForPool.kubeclassPool) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    globalForPool.kubeclassPool = createPool(url, 4);
  }
  return globalForPool.kubeclassPool;
}
