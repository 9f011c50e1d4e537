import { getTranslations } from "next-intl/server";
import { InviteForm, UserActions } from "@/components/classroom/AdminForms";
import { Refusal } from "@/components/classroom/Refusal";
import { Topbar } from "@/components/Topbar";
import { listUsers } from "@/lib/classroom/accounts";
import { attempt, pageUser } from "@/lib/classroom/page";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default async function AdminPage() {
  const { user, actor, lang } = await pageUser();
  const t = await getTranslations("admin");
  const r = await attempt(() => listUsers(db(), actor));
  if (!r.ok) return <Refusal user={user} message={t("forbidden")} />;
  const fmt = new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-US", { dateStyle: "medium" });
  return (
    <>
      <Topbar user={user} />
      <main className="page">
        <h1>{t("title")}</h1>
        <section className="card">
          <h2>{t("inviteTitle")}</h2>
          <InviteForm />
        </section>
        <section className="card">
          <h2>{t("users", { n: r.value.length })}</h2>
          <div className="scroll-x">
            <table className="grid stack" data-testid="users">
              <thead>
                <tr>
                  <th>{t("name")}</th>
                  <th>{t("email")}</th>
                  <th>{t("role")}</th>
                  <th>{t("state")}</th>
                  <th>{t("created")}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {r.value.map((u) => (
                  <tr key={u.id} data-email={u.email}>
                    <td>{u.name}</td>
                    <td className="wrap" data-label={t("email")}>
                      {u.email}
                    </td>
                    <td data-label={t("role")}>{t(`roles.${u.role}`)}</td>
                    <td data-label={t("state")}>
                      {u.disabled ? t("disabled") : u.pending ? t("pending") : t("active")}
                    </td>
                    <td data-label={t("created")}>{fmt.format(u.createdAt)}</td>
                    <td>
                      <UserActions userId={u.id} disabled={u.disabled} self={u.id === actor.id} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </main>
    </>
  );
}
