import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { JoinForms } from "@/components/classroom/JoinForms";
import { PublicHeader } from "@/components/LocaleSwitch";
import { currentUser } from "@/lib/auth";
import { classByCode, formatJoinCode, normalizeJoinCode } from "@/lib/classroom/classes";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/** Where a join link or QR code leads: sign up or log in, and be enrolled. */
export default async function JoinPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const t = await getTranslations("join");
  const lang = (await getLocale()) === "en" ? "en" : "ja";
  const cls = await classByCode(db(), code);
  const user = await currentUser();
  const normal = normalizeJoinCode(code);
  return (
    <main className="center">
      <PublicHeader />
      {!cls ? (
        <p className="error" role="alert">
          {t("unknown")}
        </p>
      ) : (
        <>
          <h2 data-testid="join-class">{cls.name}</h2>
          <p className="muted">
            {[
              cls.term,
              lang === "ja" ? cls.courseTitleJa : cls.courseTitleEn,
              t("teacher", { name: cls.teacherName }),
            ]
              .filter(Boolean)
              .join(" · ")}
          </p>
          {!cls.open ? (
            <p className="error" role="alert">
              {t("closed")}
            </p>
          ) : user && user.role !== "STUDENT" ? (
            <p className="error" role="alert">
              {t("staff")}
            </p>
          ) : (
            <JoinForms code={normal ?? code} signedInAs={user ? user.name : null} />
          )}
          <p className="muted">
            {t("code")}: <code>{normal ? formatJoinCode(normal) : code}</code>
          </p>
        </>
      )}
      {user && (
        <p>
          <Link href="/">{t("home")}</Link>
        </p>
      )}
    </main>
  );
}
