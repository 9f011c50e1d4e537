"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";

export function LoginForm() {
  const t = useTranslations("login");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
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
      setError(
        res?.error === "CredentialsSignin"
          ? t("failed")
          : res?.error === "TooManyAttempts"
            ? t("tooMany")
            : t("error"),
      );
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
