/**
 * Server pages that show what a classroom service answers for the signed-in account: the
 * service's refusal (ClassroomError) becomes the page that refuses, in the page's words.
 */
import { getTranslations } from "next-intl/server";
import type { ReactElement } from "react";
import type { SessionUser } from "@/lib/auth";
import type { Actor } from "@/lib/classroom/errors";
import { attempt, pageUser } from "@/lib/classroom/page";
import { ClassRefusal, Refusal } from "./Refusal";

export interface PageData<T> {
  user: SessionUser;
  actor: Actor;
  lang: "ja" | "en";
  /** What the service answered. */
  value: T;
}

/**
 * A page of the signed-in account's own records (users for an admin, classes for a teacher),
 * in the words of its namespace (`t`); refused as the namespace's `forbidden` message.
 */
export function accountPage<T>(
  namespace: "admin" | "classes",
  load: (actor: Actor) => Promise<T>,
  render: (page: PageData<T> & { t: Awaited<ReturnType<typeof getTranslations>> }) => Promise<ReactElement>,
): () => Promise<ReactElement> {
  return async function AccountPage() {
    const { user, actor, lang } = await pageUser();
    const r = await attempt(() => load(actor));
    const t = await getTranslations(namespace);
    if (r.ok) return render({ user, actor, lang, t, value: r.value });
    return <Refusal user={user} message={t("forbidden")} />;
  };
}

/** A page of one class (`/classes/[id]/…`); refused when there is no such class or it is not the account's. */
export function classPage<T>(
  load: (actor: Actor, classId: string) => Promise<T>,
  render: (page: PageData<T>) => Promise<ReactElement>,
): (props: { params: Promise<{ id: string }> }) => Promise<ReactElement> {
  return async function ClassPage({ params }) {
    const { id } = await params;
    const { user, actor, lang } = await pageUser();
    const r = await attempt(() => load(actor, id));
    if (!r.ok) return <ClassRefusal user={user} code={r.code} />;
    return render({ user, actor, lang, value: r.value });
  };
}
