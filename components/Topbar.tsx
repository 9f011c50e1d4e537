import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { SessionUser } from "@/lib/auth";
import { seesStudents } from "@/lib/classroom/access";
import { LocaleSwitch } from "./LocaleSwitch";
import { LogoutButton } from "./LogoutButton";
import { NavMenu } from "./NavMenu";

export async function Topbar({ user }: { user: SessionUser }) {
  const t = await getTranslations("nav");
  return (
    <header className="topbar">
      <Link className="brand" href="/">
        kubeclass
      </Link>
      <NavMenu label={t("menu")}>
        <Link href="/learn">{t("course")}</Link>
        {seesStudents(user) && <Link href="/teach">{t("teacher")}</Link>}
        {seesStudents(user) && <Link href="/classes">{t("classes")}</Link>}
        {user.role === "ADMIN" && <Link href="/admin">{t("admin")}</Link>}
        <span className="spacer" />
        <LocaleSwitch />
        <Link className="who" data-testid="who" href="/account">
          {user.name}
        </Link>
        <LogoutButton label={t("logout")} />
      </NavMenu>
    </header>
  );
}
