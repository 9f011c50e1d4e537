/**
 * `npx tsx bench/join-reads.ts`: the database side of a join, in process (ADR 0038). A class
 * of N students (bench/load-setup.ts) arrives at R joins a second against a fresh test database
 * and the live pool's ten connections; each join either sends the eight statements a join sent
 * before (account, snapshot, teachers, journal, steps, fault claim, classes, then the locale) or
 * the one statement it sends now. Prints p50/p99/max of each join's reads and the Node CPU per
 * join, three rounds each, alternating. No simulation and no sockets: only the reads.
 *
 *   npx tsx bench/join-reads.ts -- --n 1000 --rates 50,500
 */
import { teachersOf } from "../lib/classroom/enrollment";
import { accountNow, joinRead } from "../lib/classroom/join-read";
import { loadJournal } from "../lib/classroom/journal";
import { JOURNAL_LIMIT } from "../lib/classroom/lesson-progress";
import { claimFaults, classesOfStudent } from "../lib/classroom/live-teaching";
import { loadLessonTallies } from "../lib/classroom/progress";
import { loadSnapshot } from "../lib/classroom/snapshots";
import { createPool, type Pool } from "../lib/classroom/sql";
import { createTestDatabase, stopTestServer } from "../scripts/test-db";
import { seedClass } from "./load-setup";

const args = process.argv.slice(2).filter((a) => a !== "--");
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const n = Number(flag("n") ?? 1000);
const rates = (flag("rates") ?? "50,500").split(",").map(Number);
const COURSE = "kubernetes-basics";
const LESSON = "pods-and-nodes";

async function eight(pool: Pool, userId: string): Promise<void> {
  const key = { userId, courseSlug: COURSE, lessonId: LESSON };
  await Promise.all([
    accountNow(pool, userId),
    loadSnapshot(pool, key),
    teachersOf(pool, userId),
    loadJournal(pool, { ...key, since: null, limit: JOURNAL_LIMIT }),
    loadLessonTallies(pool, key),
    claimFaults(pool, userId, COURSE),
    classesOfStudent(pool, userId),
  ]);
  await pool.query('SELECT locale FROM "User" WHERE id = $1', [userId]);
}

async function one(pool: Pool, userId: string): Promise<void> {
  await joinRead(
    pool,
    { userId, courseSlug: COURSE, lessonId: LESSON },
    { journalLimit: JOURNAL_LIMIT, claimFaults: true },
  );
}

const db = await createTestDatabase("joinreads");
try {
  const cls = await seedClass(db.url, n);
  const pool = createPool(db.url, 10, 10);
  const ids = cls.students.map((s) => s.id);
  const run = async (name: string, join: (pool: Pool, id: string) => Promise<void>, rate: number) => {
    const ms: number[] = [];
    const cpu0 = process.cpuUsage();
    const joins: Promise<void>[] = [];
    for (let i = 0; i < ids.length; i++) {
      const t0 = performance.now();
      joins.push(join(pool, ids[i]!).then(() => void ms.push(performance.now() - t0)));
      if ((i + 1) % Math.max(1, Math.round(rate / 10)) === 0) await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(joins);
    const cpu = process.cpuUsage(cpu0);
    ms.sort((a, b) => a - b);
    const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(1);
    console.log(
      `${name}  ${rate}/s  p50 ${q(0.5)}  p99 ${q(0.99)}  max ${q(1)} ms  Node CPU ${((cpu.user + cpu.system) / 1000 / ids.length).toFixed(2)} ms/join`,
    );
  };
  // Warm both (prepared statements, backends), then alternate.
  await run("warm-up 8", eight, 500);
  await run("warm-up 1", one, 500);
  for (const rate of rates)
    for (let k = 0; k < 3; k++) {
      await run("8 statements", eight, rate);
      await run("1 statement ", one, rate);
    }
  await pool.end();
} finally {
  await db.drop();
  await stopTestServer();
}
