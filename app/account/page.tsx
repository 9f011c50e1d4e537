import { getTranslations } from "next-intl/server";
import { PasswordForm, ProfileForm } from "@/components/classroom/AccountForms";
import { Topbar } from "@/components/Topbar";
import { pageUser } from "@/lib/classroom/page";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const { user, lang } = await pageUser();
  const t = await getTranslations("account");
  return (
    <>
      <Topbar user={user} />
      <main className="page narrow">
        <h1>{t("title")}</h1>
        <p className="muted">{user.email}</p>
        <section className="card">
          <h2>{t("profile")}</h2>
          <ProfileForm name={user.name} locale={lang} />
        </section>
        <section className="card">
          <h2>{t("password")}</h2>
          <PasswordForm />
        </section>
      </main>
    </>
  );
}
