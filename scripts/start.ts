/**
 * `npm start`: the one command that brings kubeclass up on a fresh machine.
 * - no DATABASE_URL → an embedded PostgreSQL under .data/pg (kept between runs);
 * - pending Prisma migrations applied; the demo course/teacher/students seeded on the embedded
 *   database or with `--demo` (never otherwise: a real deployment gets no published passwords);
 * - a production build made when missing or older than the sources (`--dev` skips it);
 * - Next.js and socket.io served on one port.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import "dotenv/config";

const root = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");
(process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".") || e.name === "generated") continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfStale(): void {
  const buildId = path.join(root, ".next/BUILD_ID");
  const sources = ["app", "components", "lib", "messages", "i18n"]
    .map((d) => path.join(root, d))
    .filter(existsSync);
  const stale =
    !existsSync(buildId) ||
    Math.max(...sources.map(newestMtime), statSync(path.join(root, "next.config.js")).mtimeMs) >
      statSync(buildId).mtimeMs;
  if (!stale) return;
  console.log("Building the web app (next build) …");
  const r = spawnSync(path.join(root, "node_modules/.bin/next"), ["build"], {
    cwd: root,
    stdio: "inherit",
    env: process.env,
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

async function main() {
  const { migrate } = await import("../server/database");
  let embedded: { stop(): Promise<void> } | undefined;
  if (!process.env.DATABASE_URL) {
    const { startEmbeddedPostgresProcess } = await import("../server/embedded-db-process");
    const pg = await startEmbeddedPostgresProcess(
      process.env.EMBEDDED_PG_DIR ? { dir: process.env.EMBEDDED_PG_DIR } : {},
    );
    embedded = pg;
    process.env.DATABASE_URL = pg.url;
    console.log("Using the embedded PostgreSQL (set DATABASE_URL to use your own).");
  }
  const { env, startupChoice } = await import("../server/env");
  const choice = startupChoice({
    argv: process.argv,
    env: process.env,
    production: !dev,
    embedded: !!embedded,
  });
  if (choice.generateSecret) {
    // A local run keeps a generated secret under .data so sessions survive restarts.
    const file = path.join(root, ".data/nextauth-secret");
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
    }
    process.env.NEXTAUTH_SECRET = readFileSync(file, "utf8").trim();
  }
  const cfg = env();
  process.env.NEXTAUTH_URL ??= `http://localhost:${cfg.PORT}`;

  await migrate(cfg.DATABASE_URL);
  const { db } = await import("../lib/db");
  const { seedCourses, seedDemo, DEMO_ACCOUNTS } = await import("../lib/classroom/seed");
  await (choice.demo ? seedDemo(db()) : seedCourses(db()));
  // The login page offers the demo accounts only where they exist.
  if (choice.demo) process.env.KUBECLASS_DEMO_ACCOUNTS = "1";
  const { ensureAdminFromEnv } = await import("../lib/classroom/accounts");
  const admin = await ensureAdminFromEnv(db(), {
    ADMIN_EMAIL: process.env.ADMIN_EMAIL,
    ADMIN_PASSWORD: process.env.ADMIN_PASSWORD,
  });
  if (admin !== "skipped" && admin !== "unchanged")
    console.log(`Administrator ${process.env.ADMIN_EMAIL}: ${admin}.`);

  if (!dev) buildIfStale();
  const { startServer } = await import("../server/index");
  const server = await startServer({ dev });
  console.log(`\nkubeclass is ready on ${server.url}\n`);
  if (choice.demo) {
    console.log("Demo accounts:");
    for (const a of DEMO_ACCOUNTS)
      console.log(`  ${a.role.toLowerCase().padEnd(8)} ${a.email.padEnd(24)} ${a.password}`);
  } else console.log("No demo accounts (start with --demo to add them).");

  // Shutdown, in this order: stop accepting sockets → save every live cluster and journal →
  // close Prisma → stop the embedded database. Nothing may write after its database is gone.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: saving clusters and shutting down …`);
    const force = setTimeout(() => {
      console.error("Shutdown took longer than 10 s; exiting without waiting further.");
      process.exit(1);
    }, 10_000);
    force.unref();
    let code = 0;
    try {
      await server.close();
    } catch (err) {
      code = 1;
      console.error("Saving the live clusters failed:", err);
    }
    await db().$disconnect();
    await embedded?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
