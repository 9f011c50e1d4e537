/**
 * `npm run admin -- <command>`: account administration from the shell, against DATABASE_URL
 * (or the embedded PostgreSQL that `npm start` uses).
 *
 *   create-admin EMAIL [NAME]     an administrator; prints a one-time link to set the password
 *   create-teacher EMAIL [NAME]   a teacher; same
 *   reset-password EMAIL          a one-time password-reset link
 *   list-users                    every account with its role and state
 *
 * Links are mailed when SMTP_URL is set; they are printed either way.
 */
import "dotenv/config";
import path from "node:path";

const USAGE = `usage: npm run admin -- <command>
  create-admin EMAIL [NAME]     create an administrator and print a one-time set-password link
  create-teacher EMAIL [NAME]   create a teacher and print a one-time set-password link
  reset-password EMAIL          print a one-time password-reset link
  list-users                    list every account`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv.filter((a) => a !== "--");
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!["create-admin", "create-teacher", "reset-password", "list-users"].includes(command)) {
    console.error(`admin: unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  if ((command !== "list-users" && !args[0]) || args.length > 2) {
    console.error(`admin: ${command} needs an e-mail address\n${USAGE}`);
    return 2;
  }
  let embedded: { stop(): Promise<void> } | undefined;
  if (!process.env.DATABASE_URL) {
    const { startEmbeddedPostgres } = await import("../server/database");
    const pg = await startEmbeddedPostgres({ dir: path.resolve(import.meta.dirname, "../.data/pg") });
    embedded = pg;
    process.env.DATABASE_URL = pg.url;
  }
  const { db } = await import("../lib/db");
  const { createWithLink, resetLinkByEmail, listUsersUnchecked } = await import("../lib/classroom/accounts");
  const { mailerFromEnv } = await import("../lib/classroom/mail");
  const { ClassroomError } = await import("../lib/classroom/errors");
  const baseUrl = process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  const ctx = { baseUrl, mailer: mailerFromEnv(), now: new Date() };
  const prisma = db();
  try {
    if (command === "list-users") {
      const users = await listUsersUnchecked(prisma);
      const w = Math.max(5, ...users.map((u) => u.email.length));
      console.log(`${"EMAIL".padEnd(w)}  ${"ROLE".padEnd(7)}  ${"STATE".padEnd(8)}  NAME`);
      for (const u of users) {
        const state = u.disabled ? "disabled" : u.pending ? "invited" : "active";
        console.log(`${u.email.padEnd(w)}  ${u.role.toLowerCase().padEnd(7)}  ${state.padEnd(8)}  ${u.name}`);
      }
      return 0;
    }
    const r =
      command === "reset-password"
        ? await resetLinkByEmail(prisma, args[0] ?? "", ctx)
        : await createWithLink(
            prisma,
            { email: args[0] ?? "", name: args[1], role: command === "create-admin" ? "ADMIN" : "TEACHER" },
            ctx,
          );
    if ("created" in r) console.log(r.created ? `Created ${args[0]}.` : `${args[0]} already exists.`);
    console.log(
      `${r.mailed ? "Mailed this" : "Hand over this"} one-time link (valid until ${r.expiresAt.toISOString()}):\n${r.link}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ClassroomError) {
      console.error(`admin: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await prisma.$disconnect();
    await embedded?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
