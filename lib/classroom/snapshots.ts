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

/** Writes snapshots in one statement; the newest write of a key wins. Keys unique per call. */
export async function saveSnapshots(pool: Pool, rows: readonly SnapshotRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await pool.query({
    name: "snapshot-upsert",
    text: `INSERT INTO "ClusterSnapshot" AS s ("userId", "courseSlug", scenario, cluster, workstation, "journalSince", "updatedAt")
           SELECT u, c, sc, cl, w, js, now()
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamp(3)[]) AS x(u, c, sc, cl, w, js)
           ON CONFLICT ("userId", "courseSlug") DO UPDATE SET
             scenario = EXCLUDED.scenario,
             cluster = EXCLUDED.cluster,
             workstation = EXCLUDED.workstation,
             "journalSince" = EXCLUDED."journalSince",
             version = s.version + 1,
             "updatedAt" = now()`,
    values: [
      rows.map((r) => r.userId),
      rows.map((r) => r.courseSlug),
      rows.map((r) => r.scenario),
      rows.map((r) => sqlText(r.cluster)),
      rows.map((r) => sqlText(r.workstation)),
      rows.map((r) => sqlTimestamp(r.journalSince)),
    ],
  });
  return r.rowCount ?? 0;
}
