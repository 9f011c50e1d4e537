/** Server pages: the signed-in, enabled account (else to the login page) and refusals as text. */
import { redirect } from "next/navigation";
import { getLocale } from "next-intl/server";
import { currentUser, type SessionUser } from "../auth";
import { db } from "../db";
import { actorById } from "./accounts";
import { type Actor, ClassroomError } from "./errors";

export async function pageUser(): Promise<{ user: SessionUser; actor: Actor; lang: "ja" | "en" }> {
  const user = await currentUser();
  const actor = await actorById(db(), user?.id);
  if (!user || !actor) redirect("/login");
  const lang = (await getLocale()) === "en" ? "en" : "ja";
  return { user: { ...user, name: actor.name, role: actor.role }, actor, lang };
}

/** Runs a service for a page; a refusal becomes its code (the page shows its own words). */
export async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof ClassroomError) return { ok: false, code: err.code };
    throw err;
  }
}
