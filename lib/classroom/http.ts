/**
 * Route handlers: parse → authorise → call a service → respond. The actor is read fresh from the
 * database on every request (a disabled account is refused at once, whatever its session says)
 * and ClassroomError maps to an HTTP status here, once.
 */
import { NextResponse } from "next/server";
import { getLocale } from "next-intl/server";
import { currentUser } from "../auth";
import { db } from "../db";
import type { PrismaClient } from "../generated/prisma/client";
import { actorById, type LinkContext } from "./accounts";
import { type Actor, ClassroomError, HTTP_STATUS, localizedMessage } from "./errors";
import { mailerFromEnv } from "./mail";

export interface RequestContext {
  prisma: PrismaClient;
  actor: Actor | null;
  now: Date;
  locale: "ja" | "en";
  links: LinkContext;
  /** The JSON body; a body that is not JSON is refused before the handler runs. */
  body: unknown;
}

export async function currentActor(): Promise<Actor | null> {
  const session = await currentUser();
  return actorById(db(), session?.id);
}

function baseUrl(req: Request): string {
  return process.env.NEXTAUTH_URL ?? new URL(req.url).origin;
}

export function errorResponse(err: unknown, locale: "ja" | "en" = "en"): NextResponse {
  if (err instanceof ClassroomError)
    return NextResponse.json(
      {
        error: localizedMessage(err, locale),
        code: err.code,
        ...(err.details ? { details: err.details } : {}),
      },
      { status: HTTP_STATUS[err.code] },
    );
  console.error("[classroom]", err);
  return NextResponse.json({ error: "internal error", code: "internal" }, { status: 500 });
}

export async function handle(req: Request, fn: (ctx: RequestContext) => Promise<unknown>): Promise<Response> {
  let locale: "ja" | "en" = "en";
  try {
    locale = (await getLocale()) === "en" ? "en" : "ja";
    let body: unknown = null;
    if (req.method !== "GET" && req.method !== "HEAD" && req.method !== "DELETE") {
      const text = await req.text();
      if (text.length > 1024 * 1024) throw ClassroomError.t("invalid", "requestTooLarge");
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          throw ClassroomError.t("invalid", "bodyNotJson");
        }
      }
    }
    const now = new Date();
    const ctx: RequestContext = {
      prisma: db(),
      actor: await currentActor(),
      now,
      locale,
      links: { baseUrl: baseUrl(req), mailer: mailerFromEnv(), now },
      body,
    };
    const result = await fn(ctx);
    if (result instanceof Response) return result;
    return NextResponse.json(result ?? { ok: true });
  } catch (err) {
    return errorResponse(err, locale);
  }
}

/** The body as an object (routes read named fields from it). */
export function fields(body: unknown): Record<string, unknown> {
  return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
