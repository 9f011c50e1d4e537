/**
 * The database of an integration test file: the run's test database (created and migrated by
 * scripts/test.ts), with the demo data seeded or not, opened before the file's tests and closed
 * after them. Not a test itself; imported by *.int.test.ts.
 */
import { afterAll, beforeAll } from "vitest";
import { createPrisma } from "../db";
import type { PrismaClient } from "../generated/prisma/client";
import { seedDemo } from "./seed";
import { createPool, type Pool } from "./sql";

export interface SeededDatabase {
  readonly prisma: PrismaClient;
  readonly pool: Pool;
}

/**
 * Registers the file's beforeAll/afterAll; read `prisma` and `pool` inside tests only. `seed`:
 * the demo data is seeded first (scripts/test.ts creates the database empty and migrated).
 */
export function testDatabase(opts: { seed?: boolean } = {}): SeededDatabase {
  const url = process.env.TEST_DATABASE_URL;
  let prisma: PrismaClient | undefined;
  let pool: Pool | undefined;
  beforeAll(async () => {
    if (!url) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`");
    prisma = createPrisma(url);
    pool = createPool(url);
    if (opts.seed) await seedDemo(prisma);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await pool?.end();
  });
  return {
    get prisma() {
      if (!prisma) throw new Error("the test database is open only inside tests");
      return prisma;
    },
    get pool() {
      if (!pool) throw new Error("the test database is open only inside tests");
      return pool;
    },
  };
}

/** The test database with the demo data seeded. */
export const seededDatabase = (): SeededDatabase => testDatabase({ seed: true });
