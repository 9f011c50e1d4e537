import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PublicHeader } from "@/components/LocaleSwitch";
import { currentUser } from "@/lib/auth";
import { LoginForm } from "./LoginForm";

export default async function LoginPage() {
  if (await currentUser()) redirect("/");
  const t = await getTranslations("login");
  const app = await getTranslations("app");
  return (
    <main className="center">
      <PublicHeader />
      <p style={{ color: "var(--muted)", marginTop: "0.5rem" }}>{app("tagline")}</p>
      <h2>{t("title")}</h2>
      <LoginForm />
      {process.env.KUBECLASS_DEMO_ACCOUNTS === "1" && (
        <div className="demo">
          {t("demo")}: <code>student1@example.com</code> / <code>student-demo</code>,{" "}
          <code>teacher@example.com</code> / <code>teacher-demo</code>
        </div>
      )}
    </main>
  );
}
