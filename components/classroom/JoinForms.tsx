"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { OneOfButtons } from "../OneOfButtons";
import { callApi } from "./api";
import { EmailField, ErrorLine, NameField, PasswordField, SubmitButton } from "./fields";

/** Join as the signed-in student, or sign up / log in first; then the course page. */
export function JoinForms({ code, signedInAs }: { code: string; signedInAs: string | null }) {
  const t = useTranslations("join");
  const [mode, setMode] = useState<"signup" | "login">("signup");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function join() {
    const r = await callApi(`/api/join/${encodeURIComponent(code)}`, "POST");
    if (!r.ok) {
      setBusy(false);
      return setError(r.error);
    }
    window.location.assign("/learn");
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const email = String(f.get("email") ?? "");
    const password = String(f.get("password") ?? "");
    setBusy(true);
    setError(null);
    if (mode === "signup") {
      const r = await callApi(`/api/join/${encodeURIComponent(code)}/signup`, "POST", {
        name: f.get("name"),
        email,
        password,
      });
      if (!r.ok) {
        setBusy(false);
        return setError(r.error);
      }
    }
    const login = await signIn("credentials", { email, password, redirect: false });
    if (!login?.ok || login.error) {
      setBusy(false);
      return setError(login?.error === "TooManyAttempts" ? t("tooMany") : t("loginFailed"));
    }
    if (mode === "signup") window.location.assign("/learn");
    else await join();
  }

  if (signedInAs)
    return (
      <div>
        <ErrorLine error={error} />
        <p>{t("signedInAs", { name: signedInAs })}</p>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            void join();
          }}
        >
          {t("join")}
        </button>
      </div>
    );

  return (
    <div>
      <div className="actions">
        <OneOfButtons
          className="linkbtn"
          options={["signup", "login"] as const}
          chosen={mode}
          choose={setMode}
          label={(m) => (m === "signup" ? t("new") : t("existing"))}
        />
      </div>
      <form onSubmit={onSubmit} noValidate style={{ marginTop: "1rem" }}>
        <ErrorLine error={error} />
        {mode === "signup" && <NameField label={t("name")} autoComplete="name" />}
        <EmailField label={t("email")} />
        <PasswordField
          label={t("password")}
          autoComplete={mode === "signup" ? "new-password" : "current-password"}
        />
        <SubmitButton busy={busy}>{mode === "signup" ? t("signupAndJoin") : t("loginAndJoin")}</SubmitButton>
      </form>
    </div>
  );
}
