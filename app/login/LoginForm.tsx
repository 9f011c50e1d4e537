"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";

/** next-auth passes the thrown code through: "CredentialsSignin", "TooManyAttempts:12", "Unavailable". */
function loginError(t: ReturnType<typeof useTranslations<"login">>, code: string | undefined | null): string {
  if (code === "CredentialsSignin") return t("failed");
  if (code === "Unavailable") return t("unavailable");
  const wait = /^TooManyAttempts:(\d+)$/.exec(code ?? "");
  if (wait) {
    const seconds = Number(wait[1]);
    return seconds >= 90
      ? t("tooManyMinutes", { minutes: Math.ceil(seconds / 60) })
      : t("tooMany", { seconds });
  }
  return t("error");
}

export function LoginForm() {
  const t = useTranslations("login");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    if (!String(form.get("email") ?? "").trim() || !String(form.get("password") ?? "")) {
      setError(t("empty"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (res?.ok && !res.error) {
        window.location.assign("/");
        return;
      }
      setError(loginError(t, res?.error));
    } catch {
      setError(t("error"));
    }
    setBusy(false);
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      <label className="field">
        {t("email")}
        <input name="email" type="email" autoComplete="username" required maxLength={200} />
      </label>
      <label className="field">
        {t("password")}
        <input name="password" type="password" autoComplete="current-password" required maxLength={200} />
      </label>
      <button className="primary" type="submit" disabled={busy}>
        {busy ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
