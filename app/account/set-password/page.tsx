import { getTranslations } from "next-intl/server";
import { SetPasswordForm } from "@/components/classroom/AccountForms";
import { PublicHeader } from "@/components/LocaleSwitch";
import { tokenInfo } from "@/lib/classroom/accounts";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/** The page an invitation or reset link opens: choose a password, then you are signed in. */
export default async function SetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string }>;
}) {
  const { token = "" } = await searchParams;
  const t = await getTranslations("account");
  const info = await tokenInfo(db(), token, new Date());
  return (
    <main className="center">
      <PublicHeader />
      {info ? (
        <>
          <h2>{info.kind === "INVITE" ? t("welcome", { name: info.name }) : t("resetTitle")}</h2>
          <p className="muted">{info.email}</p>
          <SetPasswordForm token={token} email={info.email} />
        </>
      ) : (
        <p className="error" role="alert">
          {t("linkInvalid")}
        </p>
      )}
    </main>
  );
}
