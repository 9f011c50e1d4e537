/**
 * Roster import from CSV (name, email[, student number]), parsed with csv-parse. A preview says
 * what each row would do; the import runs only when every row is good and then all at once in
 * one transaction, so a bad row never leaves half a roster behind.
 */
import { parse } from "csv-parse/sync";
import type { PrismaClient } from "../generated/prisma/client";
import { emailSchema, type IssuedLink, type LinkContext, nameSchema } from "./accounts";
import { classForTeacher } from "./classes";
import { type Actor, ClassroomError, describeIssue } from "./errors";
import { deliverLink } from "./mail";
import { issueToken, linkFor } from "./tokens";

export const MAX_ROSTER_ROWS = 2000;
export const MAX_ROSTER_BYTES = 512 * 1024;

export interface RosterRow {
  /** Line in the file (1-based), as a spreadsheet would number it. */
  line: number;
  name: string;
  email: string;
  studentNumber: string | null;
  /** Why this row cannot be imported; null when it can. */
  error: string | null;
}

export type RosterAction = "enrol-existing" | "create-and-invite" | "already-enrolled" | "rejected";

export interface RosterReportRow extends RosterRow {
  action: RosterAction;
  /** The invitation link for a new account when it was not mailed (after an import). */
  link?: string;
  mailed?: boolean;
}

function isHeader(cells: string[]): boolean {
  return cells.some((c) => /^(e-?mail|メール(アドレス)?)$/i.test(c.trim()));
}

/** Pure: CSV text → rows, each with its own error. Refuses the whole file when it is not CSV. */
export function parseRoster(text: string): RosterRow[] {
  if (text.length > MAX_ROSTER_BYTES)
    throw ClassroomError.t("invalid", "rosterTooLarge", { kb: MAX_ROSTER_BYTES / 1024 });
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
      max_record_size: 4096,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    throw ClassroomError.t("invalid", "rosterNotCsv", {
      reason: err instanceof Error ? err.message : String(err),
    });
  }
  if (records.length > 0 && isHeader(records[0]?.record ?? [])) records = records.slice(1);
  if (records.length === 0) throw ClassroomError.t("invalid", "rosterEmpty");
  if (records.length > MAX_ROSTER_ROWS)
    throw ClassroomError.t("invalid", "rosterTooManyRows", { rows: records.length, max: MAX_ROSTER_ROWS });
  const seen = new Map<string, number>();
  return records.map(({ record, info }) => {
    const [rawName = "", rawEmail = "", rawNumber = ""] = record;
    const row: RosterRow = {
      line: info.lines,
      name: rawName,
      email: rawEmail,
      studentNumber: rawNumber || null,
      error: null,
    };
    const fail = (msg: string) => ({ ...row, error: msg });
    if (record.length < 2 || record.length > 3)
      return fail(`expected 2 or 3 columns (name, email[, student number]), found ${record.length}`);
    const name = nameSchema.safeParse(rawName);
    if (!name.success) return fail(name.error.issues[0] ? describeIssue(name.error.issues[0]) : "bad name");
    const email = emailSchema.safeParse(rawEmail);
    if (!email.success)
      return fail(`bad e-mail: ${email.error.issues[0] ? describeIssue(email.error.issues[0]) : rawEmail}`);
    if (rawNumber.length > 40) return fail("student number is too long (40 characters at most)");
    const first = seen.get(email.data);
    if (first !== undefined) return { ...row, email: email.data, error: `duplicate of line ${first}` };
    seen.set(email.data, info.lines);
    return { ...row, name: name.data, email: email.data };
  });
}

/** What importing would do, row by row, against the accounts and the class as they are now. */
export async function previewRoster(
  prisma: PrismaClient,
  actor: Actor | null,
  classId: string,
  text: string,
): Promise<RosterReportRow[]> {
  await classForTeacher(prisma, actor, classId);
  const rows = parseRoster(text);
  const emails = rows.filter((r) => !r.error).map((r) => r.email);
  const users = await prisma.user.findMany({
    where: { email: { in: emails } },
    include: { enrollments: { where: { classId }, select: { classId: true } } },
  });
  const byEmail = new Map(users.map((u) => [u.email, u]));
  return rows.map((r): RosterReportRow => {
    if (r.error) return { ...r, action: "rejected" };
    const u = byEmail.get(r.email);
    if (!u) return { ...r, action: "create-and-invite" };
    if (u.role !== "STUDENT")
      return { ...r, action: "rejected", error: "this e-mail belongs to a teacher or administrator account" };
    if (u.disabledAt) return { ...r, action: "rejected", error: "this account is disabled" };
    if (u.enrollments.length) return { ...r, action: "already-enrolled" };
    return { ...r, action: "enrol-existing" };
  });
}

/**
 * Imports the roster when every row is good: new accounts (invited), enrolments, student numbers,
 * all in one transaction. With any bad row nothing changes and the report says why.
 */
export async function importRoster(
  prisma: PrismaClient,
  actor: Actor | null,
  classId: string,
  text: string,
  ctx: LinkContext,
): Promise<RosterReportRow[]> {
  const cls = await classForTeacher(prisma, actor, classId);
  const report = await previewRoster(prisma, actor, classId, text);
  const bad = report.filter((r) => r.action === "rejected");
  if (bad.length) throw ClassroomError.t("invalid", "rosterBadRows", { count: bad.length }, report);
  const invites: Array<{ row: RosterReportRow; userId: string; token: string }> = [];
  await prisma.$transaction(async (tx) => {
    for (const row of report) {
      let user = await tx.user.findUnique({ where: { email: row.email } });
      if (!user) {
        user = await tx.user.create({
          data: { email: row.email, name: row.name, role: "STUDENT", passwordHash: "", locale: "ja" },
        });
        const { token } = await issueToken(tx, {
          userId: user.id,
          kind: "INVITE",
          createdById: actor?.id ?? null,
          now: ctx.now,
        });
        invites.push({ row, userId: user.id, token });
      }
      await tx.enrollment.upsert({
        where: { classId_userId: { classId: cls.id, userId: user.id } },
        update: row.studentNumber ? { studentNumber: row.studentNumber } : {},
        create: { classId: cls.id, userId: user.id, studentNumber: row.studentNumber },
      });
    }
  });
  for (const inv of invites) {
    const link = linkFor(ctx.baseUrl, inv.token);
    const mailed = await deliverLink(ctx.mailer, {
      to: inv.row.email,
      name: inv.row.name,
      kind: "INVITE",
      link,
      locale: "ja",
    }).catch(() => false);
    inv.row.mailed = mailed;
    if (!mailed) inv.row.link = link;
  }
  return report;
}

export type { IssuedLink };
