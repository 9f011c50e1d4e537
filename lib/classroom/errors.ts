/**
 * One error type for the classroom services; route handlers map it to HTTP once
 * (lib/classroom/http.ts). Messages are written for the person who gets them, in their language:
 * an error made with `ClassroomError.t` names a key of `apiErrors` in messages/*.json, carries
 * the English text for logs and the command line, and is said in Japanese or English to the
 * browser (`localizedMessage`). Input refused by a zod schema is said in zod's own words for
 * that language, after the field's name.
 */
import { createTranslator } from "next-intl";
import type * as z from "zod";
import { locales } from "zod";
import en from "../../messages/en.json";
import ja from "../../messages/ja.json";
import { seesStudents } from "./access";

export type ApiErrorKey = keyof typeof en.apiErrors;
type Params = Record<string, string | number>;
type Locale = "ja" | "en";

const catalogs = { en, ja } as const;
const zodLocales = { en: locales.en(), ja: locales.ja() } as const;

function say(locale: Locale, key: string, params?: Params): string {
  const t = createTranslator({ locale, messages: catalogs[locale], namespace: "apiErrors" });
  return (t as (k: string, p?: Params) => string)(key, params);
}

export type ClassroomErrorCode =
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "invalid"
  | "conflict"
  | "too_many";

export class ClassroomError extends Error {
  constructor(
    readonly code: ClassroomErrorCode,
    message: string,
    /** Extra data for the client, e.g. a roster report that explains a refusal. */
    readonly details?: unknown,
    /** Where the message comes from, so it can be said in the reader's language. */
    readonly source?: { key: ApiErrorKey; params?: Params } | { issue: z.core.$ZodIssue },
  ) {
    super(message);
    this.name = "ClassroomError";
  }

  /** An error whose words are `apiErrors.<key>` of the message catalogues. */
  static t(code: ClassroomErrorCode, key: ApiErrorKey, params?: Params, details?: unknown): ClassroomError {
    return new ClassroomError(code, say("en", key, params), details, { key, params });
  }

  /** Input a schema refused: the first issue, after the name of the field it is about. */
  static fromIssue(issue: z.core.$ZodIssue): ClassroomError {
    return new ClassroomError("invalid", issueMessage("en", issue), undefined, { issue });
  }
}

/** What is wrong with a value, in zod's words for the language, or the schema's own (a key). */
export function describeIssue(issue: z.core.$ZodIssue, locale: Locale = "en"): string {
  // A schema's own message is a key of the catalogue (e.g. `notAnEmail`); otherwise zod says it.
  const own = (catalogs[locale].apiErrors as Record<string, unknown>)[issue.message];
  if (typeof own === "string") return own;
  if (locale === "en") return issue.message;
  const said = zodLocales[locale].localeError(issue as never);
  return typeof said === "string" ? said : (said?.message ?? issue.message);
}

function issueMessage(locale: Locale, issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join(".");
  const fields = catalogs[locale].apiErrors.fields as Record<string, string>;
  const where = field ? `${fields[field] ?? field}: ` : "";
  return where + describeIssue(issue, locale);
}

/** The error's message in the reader's language (English when it has no catalogue entry). */
export function localizedMessage(err: ClassroomError, locale: Locale): string {
  const src = err.source;
  if (!src || locale === "en") return err.message;
  if ("key" in src) return say(locale, src.key, src.params);
  return issueMessage(locale, src.issue);
}

export const HTTP_STATUS: Record<ClassroomErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  too_many: 429,
};

export type Role = "STUDENT" | "TEACHER" | "ADMIN";

/** Who is asking: a signed-in, enabled account read from the database for this request. */
export interface Actor {
  id: string;
  role: Role;
  name: string;
  email: string;
}

export function requireSignedIn(actor: Actor | null): Actor {
  if (!actor) throw ClassroomError.t("unauthenticated", "signIn");
  return actor;
}

export function requireAdmin(actor: Actor | null): Actor {
  const a = requireSignedIn(actor);
  if (a.role !== "ADMIN") throw ClassroomError.t("forbidden", "adminOnly");
  return a;
}

export function requireTeacher(actor: Actor | null): Actor {
  const a = requireSignedIn(actor);
  if (!seesStudents(a)) throw ClassroomError.t("forbidden", "teachersOnly");
  return a;
}
