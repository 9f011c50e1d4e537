import { InviteForm, UserActions } from "@/components/classroom/AdminForms";
import { GridTable } from "@/components/classroom/GridTable";
import { accountPage } from "@/components/classroom/guarded-page";
import { Topbar } from "@/components/Topbar";
import { listUsers } from "@/lib/classroom/accounts";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default accountPage(
  "admin",
  (actor) => listUsers(db(), actor),
  async ({ user, actor, lang, t, value: users }) => {
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
            <h2>{t("users", { n: users.length })}</h2>
            <GridTable
              stack
              testId="users"
              head={[t("name"), t("email"), t("role"), t("state"), t("created"), ""]}
            >
              {users.map((u) => (
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
            </GridTable>
          </section>
        </main>
      </>
    );
  },
);
