"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { type FormEvent, useEffect, useState } from "react";
import { EmailField, ErrorLine, PasswordField } from "@/components/classroom/fields";

/** Something before and after one `@`, no spaces: the form's own check before anything is sent. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

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
  /** The field the message is about, when the form itself found the problem. */
  const [invalid, setInvalid] = useState<"email" | "password" | null>(null);
  // Until the page's script runs, the browser would send the form itself, as a GET with the
  // password in the address (and without these checks): the button waits for the script.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const el = e.currentTarget;
    const form = new FormData(el);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    // An empty or malformed form is answered here, not by the server's "wrong email or password".
    const problem: ["email" | "password", string] | null = !email
      ? ["email", t("emailMissing")]
      : !EMAIL.test(email)
        ? ["email", t("emailInvalid")]
        : !password
          ? ["password", t("passwordMissing")]
          : null;
    if (problem) {
      setInvalid(problem[0]);
      setError(problem[1]);
      el.querySelector<HTMLInputElement>(`input[name="${problem[0]}"]`)?.focus();
      return;
    }
    setInvalid(null);
    setBusy(true);
    setError(null);
    try {
      const res = await signIn("credentials", { email, password, redirect: false });
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

  /** The error message is about this field when the form itself found the problem there. */
  const about = (field: "email" | "password") => ({
    "aria-invalid": invalid === field,
    "aria-describedby": invalid === field ? "login-error" : undefined,
    onInput: () => invalid === field && setInvalid(null),
  });

  return (
    <form onSubmit={onSubmit} noValidate>
      <ErrorLine error={error} id="login-error" />
      <EmailField label={t("email")} {...about("email")} />
      <PasswordField label={t("password")} autoComplete="current-password" {...about("password")} />
      <button className="primary" type="submit" disabled={busy || !ready}>
        {busy ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
