/** The one Prisma client of a process (create-t3-app style singleton, survives Next dev reloads). */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

const globalForPrisma = globalThis as unknown as { kubeclassPrisma?: PrismaClient };

export function createPrisma(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }) });
}

export function db(): PrismaClient {
  if (!globalForPrisma.kubeclassPrisma) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    globalForPrisma.kubeclassPrisma = createPrisma(url);
  }
  return globalForPrisma.kubeclassPrisma;
}
