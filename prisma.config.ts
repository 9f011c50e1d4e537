/**
 * Prisma CLI configuration. Prisma 6.19's JS schema engine runs migrations with no native
 * binary download (docs/adr/0001-database.md); three adapter-pg 6.19 bugs are worked around here,
 * in the CLI only — the app's runtime client needs none of this.
 */
import "dotenv/config";
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { defineConfig } from "prisma/config";

// prisma/orm#27403: adapter-pg 6.x cannot decode the `name` and `"char"` types (OIDs 19/18 and
// their arrays) that the schema engine's introspection selects. Present them as text / text[].
type FieldLike = { dataTypeID: number };
const resultProto = (pg as unknown as { Result: { prototype: { addFields(f: FieldLike[]): void } } }).Result
  .prototype;
const addFields = resultProto.addFields;
resultProto.addFields = function (fields: FieldLike[]) {
  for (const f of fields) {
    if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
    else if (f.dataTypeID === 1003 || f.dataTypeID === 1002) f.dataTypeID = 1009;
  }
  return addFields.call(this, fields);
};

function poolConfig(database?: string): pg.PoolConfig {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (npm start sets it for the embedded database)");
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: database ?? u.pathname.slice(1),
    // Without these the CLI process lingers ~60 s after finishing.
    idleTimeoutMillis: 500,
    allowExitOnIdle: true,
  };
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client(poolConfig("postgres"));
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  // adapter-pg 6.19's own shadow database either reuses the real database (connection string) or
  // drops it before closing its pool (discrete fields); create and drop our own instead.
  adapter: async () => {
    const base = new PrismaPg(poolConfig());
    return {
      provider: base.provider,
      adapterName: base.adapterName,
      connect: () => base.connect(),
      connectToShadowDb: async () => {
        const database = `prisma_shadow_${randomUUID().replaceAll("-", "")}`;
        await admin(`CREATE DATABASE "${database}"`);
        const shadow = await new PrismaPg(poolConfig(database)).connect();
        const dispose = shadow.dispose.bind(shadow);
        shadow.dispose = async () => {
          await dispose();
          await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        };
        return shadow;
      },
    } as unknown as SqlMigrationAwareDriverAdapterFactory;
  },
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
