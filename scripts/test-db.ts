/**
 * Test databases: a fresh database per run on the machine's PostgreSQL (127.0.0.1:5432, or
 * TEST_PG_URL), or on an embedded PostgreSQL when none answers. Dropped at the end.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate, startEmbeddedPostgres } from "../server/database";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

let server: Promise<{ adminUrl: string; stop(): Promise<void> }> | undefined;

function adminServer(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  server ??= (async () => {
    const adminUrl = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
    if (await reachable(adminUrl)) return { adminUrl, stop: async () => {} };
    console.log("No PostgreSQL at TEST_PG_URL/127.0.0.1:5432 — starting an embedded one for the tests.");
    const dir = mkdtempSync(path.join(os.tmpdir(), "kubeclass-test-pg-"));
    const epg = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), port: 54339 });
    const u = new URL(epg.url);
    u.pathname = "/postgres";
    return { adminUrl: u.toString(), stop: () => epg.stop() };
  })();
  return server;
}

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const { adminUrl } = await adminServer();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  await migrate(url);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function stopTestServer(): Promise<void> {
  if (server) await (await server).stop();
}
