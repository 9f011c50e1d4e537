/**
 * Accounts: administrators and teachers are invited (one-time link to choose a password), anyone
 * can be sent a password-reset link by an administrator, and an account can be disabled. Links
 * are mailed when SMTP is configured and otherwise returned for the admin to hand over.
 */
import bcrypt from "bcryptjs";
import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import { type Actor, ClassroomError, type Role, requireAdmin, requireSignedIn } from "./errors";
import { deliverLink, type Mailer } from "./mail";
import { hashToken, issueToken, linkFor, type TokenKind } from "./tokens";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(200, "e-mail is too long (200 characters at most)")
  .pipe(z.email("notAnEmail"));
/** Text a person must type (trimmed): `empty` says what is missing, `field` names it when too long. */
export function requiredText(field: string, empty: string, max: number) {
  return z.string().trim().min(1, empty).max(max, `${field} is too long (${max} characters at most)`);
}
export const nameSchema = requiredText("name", "name is empty", 100);
export const passwordSchema = z
  .string()
  .min(8, "the password needs at least 8 characters")
  .max(200, "the password is too long (200 characters at most)");
export const localeSchema = z.enum(["ja", "en"]);

/** What a link-sending call needs from its surroundings. */
export interface LinkContext {
  baseUrl: string;
  mailer: Mailer | null;
  now: Date;
}

export interface IssuedLink {
  link: string;
  expiresAt: Date;
  /** True when it went out by mail; otherwise the link is shown to hand over. */
  mailed: boolean;
}

export function parseOrThrow<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw i ? ClassroomError.fromIssue(i) : ClassroomError.t("invalid", "invalidInput");
  }
  return r.data;
}

/** The account behind a session, fresh from the database; null when gone or disabled. */
export async function actorById(prisma: PrismaClient, id: string | null | undefined): Promise<Actor | null> {
  if (!id) return null;
  const u = await prisma.user.findUnique({ where: { id } });
  if (!u || u.disabledAt) return null;
  return { id: u.id, role: u.role, name: u.name, email: u.email };
}

async function sendLink(
  prisma: PrismaClient,
  user: { id: string; email: string; name: string; locale: string },
  kind: TokenKind,
  createdById: string | null,
  ctx: LinkContext,
): Promise<IssuedLink> {
  const { token, expiresAt } = await issueToken(prisma, { userId: user.id, kind, createdById, now: ctx.now });
  const link = linkFor(ctx.baseUrl, token);
  const mailed = await deliverLink(ctx.mailer, {
    to: user.email,
    name: user.name,
    kind,
    link,
    locale: user.locale === "en" ? "en" : "ja",
  });
  return { link, expiresAt, mailed };
}

const inviteSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  role: z.enum(["TEACHER", "ADMIN"]),
  locale: localeSchema.default("ja"),
});

/** An admin invites a teacher or another admin: the account exists at once, without a password. */
export async function inviteStaff(
  prisma: PrismaClient,
  actor: Actor | null,
  raw: unknown,
  ctx: LinkContext,
): Promise<IssuedLink & { userId: string }> {
  const admin = requireAdmin(actor);
  const input = parseOrThrow(inviteSchema, raw);
  if (await prisma.user.findUnique({ where: { email: input.email } }))
    throw ClassroomError.t("conflict", "emailExists", { email: input.email });
  const user = await prisma.user.create({
    data: { email: input.email, name: input.name, role: input.role, locale: input.locale, passwordHash: "" },
  });
  return { userId: user.id, ...(await sendLink(prisma, user, "INVITE", admin.id, ctx)) };
}

/** An admin sends anyone a password-reset link (the old password keeps working until it is used). */
export async function sendPasswordReset(
  prisma: PrismaClient,
  actor: Actor | null,
  userId: string,
  ctx: LinkContext,
): Promise<IssuedLink> {
  const admin = requireAdmin(actor);
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw ClassroomError.t("not_found", "noSuchAccount");
  return sendLink(prisma, user, user.passwordHash ? "RESET" : "INVITE", admin.id, ctx);
}

/** The account a link is for, when the link is still usable (for the set-password page). */
export async function tokenInfo(
  prisma: PrismaClient,
  token: string,
  now: Date,
): Promise<{ name: string; email: string; kind: TokenKind } | null> {
  if (!token || token.length > 200) return null;
  const row = await prisma.accountToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime() || row.user.disabledAt) return null;
  return { name: row.user.name, email: row.user.email, kind: row.kind };
}

/** Uses a link once: sets the password; a second use, an expired link or a disabled account is refused. */
export async function setPasswordWithToken(
  prisma: PrismaClient,
  raw: { token: unknown; password: unknown },
  now: Date,
): Promise<{ email: string }> {
  const token = parseOrThrow(z.string().min(1).max(200), raw.token);
  const password = parseOrThrow(passwordSchema, raw.password);
  const passwordHash = await bcrypt.hash(password, 10);
  return prisma.$transaction(async (tx) => {
    const row = await tx.accountToken.findUnique({
      where: { tokenHash: hashToken(token) },
      include: { user: true },
    });
    const refused = ClassroomError.t("invalid", "linkExpired");
    if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime() || row.user.disabledAt) throw refused;
    // Conditional update: of two concurrent uses of one link, only one gets a row here.
    const claimed = await tx.accountToken.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) throw refused;
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash } });
    await tx.accountToken.updateMany({ where: { userId: row.userId, usedAt: null }, data: { usedAt: now } });
    return { email: row.user.email };
  });
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** Invited but no password chosen yet. */
  pending: boolean;
  createdAt: Date;
}

export async function listUsers(prisma: PrismaClient, actor: Actor | null): Promise<UserRow[]> {
  requireAdmin(actor);
  return listUsersUnchecked(prisma);
}

/** For the shell, which is trusted as it is (it holds the database's credentials). */
export async function listUsersUnchecked(prisma: PrismaClient): Promise<UserRow[]> {
  const users = await prisma.user.findMany({ orderBy: [{ role: "desc" }, { email: "asc" }] });
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabledAt !== null,
    pending: u.passwordHash === "",
    createdAt: u.createdAt,
  }));
}

type DisabledListener = (userId: string) => void;
const LISTENERS = Symbol.for("kubeclass.accountDisabledListeners");

function listeners(): Set<DisabledListener> {
  // On globalThis: Next's bundled route handlers and the custom server load separate copies of
  // this module, and the server's listener must hear the handlers' calls.
  const g = globalThis as unknown as Record<symbol, Set<DisabledListener> | undefined>;
  g[LISTENERS] ??= new Set();
  return g[LISTENERS];
}

/** Called with the id of every account that gets disabled (the socket server disconnects it). */
export function onAccountDisabled(fn: DisabledListener): () => void {
  listeners().add(fn);
  return () => listeners().delete(fn);
}

export async function setDisabled(
  prisma: PrismaClient,
  actor: Actor | null,
  userId: string,
  disabled: boolean,
  now: Date,
): Promise<void> {
  const admin = requireAdmin(actor);
  if (userId === admin.id && disabled) throw ClassroomError.t("invalid", "cannotDisableSelf");
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw ClassroomError.t("not_found", "noSuchAccount");
  await prisma.user.update({ where: { id: userId }, data: { disabledAt: disabled ? now : null } });
  if (disabled) {
    await prisma.accountToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
    for (const fn of listeners()) fn(userId);
  }
}

const profileSchema = z.object({ name: nameSchema, locale: localeSchema });

export async function updateProfile(prisma: PrismaClient, actor: Actor | null, raw: unknown): Promise<void> {
  const me = requireSignedIn(actor);
  const input = parseOrThrow(profileSchema, raw);
  await prisma.user.update({ where: { id: me.id }, data: input });
}

export async function changePassword(
  prisma: PrismaClient,
  actor: Actor | null,
  raw: { current: unknown; next: unknown },
): Promise<void> {
  const me = requireSignedIn(actor);
  const current = parseOrThrow(z.string().max(200), raw.current);
  const next = parseOrThrow(passwordSchema, raw.next);
  const user = await prisma.user.findUniqueOrThrow({ where: { id: me.id } });
  if (!(await bcrypt.compare(current, user.passwordHash)))
    throw ClassroomError.t("invalid", "wrongCurrentPassword");
  await prisma.user.update({ where: { id: me.id }, data: { passwordHash: await bcrypt.hash(next, 10) } });
}

/**
 * ADMIN_EMAIL / ADMIN_PASSWORD at start: the administrator exists from the first start. An
 * existing account with that e-mail becomes an admin; its password is set only when it has none,
 * so a password changed later in the app is not reset by the next restart.
 */
export async function ensureAdminFromEnv(
  prisma: PrismaClient,
  env: { ADMIN_EMAIL?: string; ADMIN_PASSWORD?: string },
): Promise<"created" | "updated" | "unchanged" | "skipped"> {
  if (!env.ADMIN_EMAIL) return "skipped";
  const email = parseOrThrow(emailSchema, env.ADMIN_EMAIL);
  const password = env.ADMIN_PASSWORD ? parseOrThrow(passwordSchema, env.ADMIN_PASSWORD) : null;
  if (!password) throw ClassroomError.t("invalid", "adminPasswordMissing");
  const existing = await prisma.user.findUnique({ where: { email } });
  if (!existing) {
    await prisma.user.create({
      data: { email, name: "Administrator", role: "ADMIN", passwordHash: await bcrypt.hash(password, 10) },
    });
    return "created";
  }
  if (existing.role === "ADMIN" && existing.passwordHash && !existing.disabledAt) return "unchanged";
  await prisma.user.update({
    where: { id: existing.id },
    data: {
      role: "ADMIN",
      disabledAt: null,
      ...(existing.passwordHash ? {} : { passwordHash: await bcrypt.hash(password, 10) }),
    },
  });
  return "updated";
}

/**
 * For the shell (`npm run admin`): creates an account of `role` without a password, or finds
 * the existing one, and issues a one-time link to set the password.
 */
export async function createWithLink(
  prisma: PrismaClient,
  input: { email: string; name?: string; role: Role },
  ctx: LinkContext,
): Promise<IssuedLink & { created: boolean }> {
  const email = parseOrThrow(emailSchema, input.email);
  const name = parseOrThrow(nameSchema, input.name ?? email.split("@")[0] ?? email);
  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing && existing.role !== input.role)
    throw ClassroomError.t("conflict", "existsWithRole", { email, role: existing.role.toLowerCase() });
  const user =
    existing ?? (await prisma.user.create({ data: { email, name, role: input.role, passwordHash: "" } }));
  const kind: TokenKind = user.passwordHash ? "RESET" : "INVITE";
  return { created: !existing, ...(await sendLink(prisma, user, kind, null, ctx)) };
}

export async function resetLinkByEmail(
  prisma: PrismaClient,
  rawEmail: string,
  ctx: LinkContext,
): Promise<IssuedLink> {
  const email = parseOrThrow(emailSchema, rawEmail);
  const user = await prisma.user.findUnique({ where: { email } });
  if (!user) throw ClassroomError.t("not_found", "noAccountWithEmail", { email });
  return sendLink(prisma, user, user.passwordHash ? "RESET" : "INVITE", null, ctx);
}
