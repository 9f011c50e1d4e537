import { getTranslations } from "next-intl/server";
import type { SessionUser } from "@/lib/auth";
import { Topbar } from "./Topbar";

/** What a student sees on a teacher's page. */
export async function TeachersOnly({ user }: { user: SessionUser }) {
  const t = await getTranslations("teach");
  return (
    <>
      <Topbar user={user} />
      <main className="page">
        <p className="error" role="alert">
          {t("forbidden")}
        </p>
      </main>
    </>
  );
}
