import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Topbar } from "@/components/Topbar";
import { currentUser } from "@/lib/auth";

/**
 * An address that leads nowhere (a mistyped link, a lesson that is not in the course): said in
 * the reader's language, under the site's own bar when signed in, with the way back.
 */
export default async function NotFound() {
  const t = await getTranslations("errors");
  const user = await currentUser();
  return (
    <>
      {user && <Topbar user={user} />}
      <main className="page narrow" data-testid="not-found">
        <h1>{t("notFoundTitle")}</h1>
        <p>{t("notFound")}</p>
        <p>
          <Link href="/">{user ? t("home") : t("login")}</Link>
        </p>
      </main>
    </>
  );
}
