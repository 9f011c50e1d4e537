"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { callApi } from "./api";
import {
  ErrorLine,
  LanguageField,
  NameField,
  onSubmitData,
  PasswordField,
  SubmitButton,
  useForm,
} from "./fields";

function Feedback({ error, saved, label }: { error: string | null; saved: boolean; label: string }) {
  if (error) return <ErrorLine error={error} />;
  if (saved)
    return (
      <div className="note" role="status">
        {label}
      </div>
    );
  return null;
}

/** A new password and its repetition (the form compares them before sending). */
function NewPasswordFields({ name }: { name: string }) {
  const t = useTranslations("account");
  return (
    <>
      <PasswordField label={t("new")} name={name} autoComplete="new-password" minLength={8} />
      <PasswordField label={t("again")} name="again" autoComplete="new-password" />
    </>
  );
}

export function ProfileForm({ name, locale }: { name: string; locale: "ja" | "en" }) {
  const t = useTranslations("account");
  const s = useForm();
  const onSubmit = onSubmitData(async (f) => {
    s.setBusy(true);
    s.setError(null);
    const r = await callApi("/api/account/profile", "POST", { name: f.get("name"), locale: f.get("locale") });
    s.setBusy(false);
    if (!r.ok) return s.setError(r.error);
    window.location.reload();
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Feedback error={s.error} saved={s.saved} label={t("saved")} />
      <NameField label={t("name")} defaultValue={name} />
      <LanguageField label={t("language")} defaultValue={locale} />
      <SubmitButton busy={s.busy}>{t("save")}</SubmitButton>
    </form>
  );
}

export function PasswordForm() {
  const t = useTranslations("account");
  const s = useForm();
  const onSubmit = onSubmitData(async (f, form) => {
    s.setError(null);
    s.setSaved(false);
    if (f.get("next") !== f.get("again")) return s.setError(t("mismatch"));
    s.setBusy(true);
    const r = await callApi("/api/account/password", "POST", {
      current: f.get("current"),
      next: f.get("next"),
    });
    s.setBusy(false);
    if (!r.ok) return s.setError(r.error);
    form.reset();
    s.setSaved(true);
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Feedback error={s.error} saved={s.saved} label={t("passwordChanged")} />
      <PasswordField label={t("current")} name="current" autoComplete="current-password" />
      <NewPasswordFields name="next" />
      <SubmitButton busy={s.busy}>{t("change")}</SubmitButton>
    </form>
  );
}

export function SetPasswordForm({ token, email }: { token: string; email: string }) {
  const t = useTranslations("account");
  const s = useForm();
  const onSubmit = onSubmitData(async (f) => {
    s.setError(null);
    const password = String(f.get("password") ?? "");
    if (password !== f.get("again")) return s.setError(t("mismatch"));
    s.setBusy(true);
    const r = await callApi("/api/account/set-password", "POST", { token, password });
    if (!r.ok) {
      s.setBusy(false);
      return s.setError(r.error);
    }
    const login = await signIn("credentials", { email, password, redirect: false });
    window.location.assign(login?.ok ? "/" : "/login");
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Feedback error={s.error} saved={false} label="" />
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <NewPasswordFields name="password" />
      <SubmitButton busy={s.busy}>{t("setPassword")}</SubmitButton>
    </form>
  );
}
