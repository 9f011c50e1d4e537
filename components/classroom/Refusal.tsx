import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { SessionUser } from "@/lib/auth";
import { Topbar } from "../Topbar";

/** A page that refuses: the reason, no data, and the way back (not a dead end). */
export async function Refusal({ user, message }: { user: SessionUser; message: string }) {
  const t = await getTranslations("errors");
  return (
    <>
      <Topbar user={user} />
      <main className="page">
        <p className="error" role="alert" data-testid="refusal">
          {message}
        </p>
        <p>
          <Link href="/">{t("home")}</Link>
        </p>
      </main>
    </>
  );
}

/** A class's page refused: no such class, or not the signed-in teacher's (nor an admin's). */
export async function ClassRefusal({ user, code }: { user: SessionUser; code: string }) {
  const t = await getTranslations("classes");
  return <Refusal user={user} message={code === "not_found" ? t("notFound") : t("notYours")} />;
}
