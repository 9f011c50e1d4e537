/** `npm run admin` as a child process against the test database: what an operator sees. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { testDatabase } from "../lib/classroom/seeded-database";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const url = process.env.TEST_DATABASE_URL;
const db = testDatabase();

async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(path.join(root, "node_modules/.bin/tsx"), ["scripts/admin.ts", ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, NEXTAUTH_URL: "http://class.test", SMTP_URL: "" },
    });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("npm run admin", () => {
  it("create-teacher prints a one-time link that sets the password; list-users shows the state", async () => {
    const r = await admin("create-teacher", "cli.teacher@example.com", "CLI Teacher");
    expect(r.code).toBe(0);
    const link = /http:\/\/class\.test\/account\/set-password\?token=(\S+)/.exec(r.stdout);
    expect(link).toBeTruthy();
    const u = await db.prisma.user.findUniqueOrThrow({ where: { email: "cli.teacher@example.com" } });
    expect(u.role).toBe("TEACHER");
    expect(u.passwordHash).toBe("");

    const { setPasswordWithToken } = await import("../lib/classroom/accounts");
    await setPasswordWithToken(
      db.prisma,
      { token: decodeURIComponent(link?.[1] ?? ""), password: "cli-password" },
      new Date(),
    );
    const after = await db.prisma.user.findUniqueOrThrow({ where: { email: "cli.teacher@example.com" } });
    expect(await bcrypt.compare("cli-password", after.passwordHash)).toBe(true);
    expect((await admin("list-users")).stdout).toMatch(/cli\.teacher@example\.com\s+teacher\s+active/);

    const reset = await admin("reset-password", "CLI.Teacher@example.com");
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("/account/set-password?token=");
  });

  it("create-admin makes an administrator; mistakes get a clear message and a non-zero exit", async () => {
    expect((await admin("create-admin", "cli.admin@example.com")).code).toBe(0);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { email: "cli.admin@example.com" } })).role).toBe(
      "ADMIN",
    );
    const wrongRole = await admin("create-teacher", "cli.admin@example.com");
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.stderr).toContain("admin: cli.admin@example.com already exists as admin.");
    const missing = await admin("reset-password", "nobody@example.com");
    expect(missing.stderr).toContain("admin: No account with the e-mail nobody@example.com.");
    const unknown = await admin("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('admin: unknown command "frobnicate"');
  });
});
