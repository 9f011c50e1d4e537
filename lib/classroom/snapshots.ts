/** Each student's simulated cluster and workstation, serialised (one row per student × course). */
import { type Pool, sqlText, sqlTimestamp } from "./sql";

export interface SnapshotRow {
  userId: string;
  courseSlug: string;
  scenario: string;
  cluster: string;
  workstation: string;
  /** Step checks read the journal from here on (epoch ms). */
  journalSince: number;
}

export async function loadSnapshot(
  pool: Pool,
  key: { userId: string; courseSlug: string },
): Promise<SnapshotRow | null> {
  const r = await pool.query<SnapshotRow>(
    `SELECT "userId", "courseSlug", scenario, cluster, workstation,
            floor(extract(epoch FROM "journalSince") * 1000)::float8 AS "journalSince"
       FROM "ClusterSnapshot" WHERE "userId" = $1 AND "courseSlug" = $2`,
    [key.userId, key.courseSlug],
  );
  return r.rows[0] ?? null;
}

/**
 * The upsert of `rows` snapshots, six parameters each. Every cluster goes as a parameter of its
 * own: in a `text[]` parameter the driver builds an array literal, escaping each quote of each
 * cluster's JSON — 120–300 ms for a 2 MB batch in one turn of the event loop, the longest block
 * at 1,000 students (docs/adr/0035-long-blocks-sliced.md). As its own parameter a string is
 * copied into the message as it is. Unnamed: the statement's text depends on the batch's size.
 */
export function snapshotUpsert(rows: number): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const p = r * SNAPSHOT_PARAMS;
    tuples.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}::timestamp(3), now())`);
  }
  return `INSERT INTO "ClusterSnapshot" AS s ("userId", "courseSlug", scenario, cluster, workstation, "journalSince", "updatedAt")
           VALUES ${tuples.join(", ")}
           ON CONFLICT ("userId", "courseSlug") DO UPDATE SET
             scenario = EXCLUDED.scenario,
             cluster = EXCLUDED.cluster,
             workstation = EXCLUDED.workstation,
             "journalSince" = EXCLUDED."journalSince",
             version = s.version + 1,
             "updatedAt" = now()`;
}

const SNAPSHOT_PARAMS = 6;
const MAX_ROWS_PER_STATEMENT = 5_000;

/** The parameters of `snapshotUpsert`: each row's six values in turn, none an array. */
export function snapshotValues(rows: readonly SnapshotRow[]): unknown[] {
  const values: unknown[] = [];
  for (const r of rows)
    values.push(
      r.userId,
      r.courseSlug,
      r.scenario,
      sqlText(r.cluster),
      sqlText(r.workstation),
      sqlTimestamp(r.journalSince),
    );
  return values;
}

/** Writes snapshots in one statement; the newest write of a key wins. Keys unique per call. */
export async function saveSnapshots(pool: Pool, rows: readonly SnapshotRow[]): Promise<number> {
  let written = 0;
  // Postgres takes at most 65,535 parameters a statement.
  for (let from = 0; from < rows.length; from += MAX_ROWS_PER_STATEMENT) {
    const part = rows.slice(from, from + MAX_ROWS_PER_STATEMENT);
    written += (await pool.query(snapshotUpsert(part.length), snapshotValues(part))).rowCount ?? 0;
  }
  return written;
}
