"use client";

import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { callApi } from "./api";

function useForm() {
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  return { error, setError, saved, setSaved, busy, setBusy };
}

function Feedback({ error, saved, label }: { error: string | null; saved: boolean; label: string }) {
  if (error)
    return (
      <div className="error" role="alert">
        {error}
      </div>
    );
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
      <label className="field">
        {t("new")}
        <input
          name={name}
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={200}
        />
      </label>
      <label className="field">
        {t("again")}
        <input name="again" type="password" autoComplete="new-password" required maxLength={200} />
      </label>
    </>
  );
}

export function ProfileForm({ name, locale }: { name: string; locale: "ja" | "en" }) {
  const t = useTranslations("account");
  const s = useForm();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    s.setBusy(true);
    s.setError(null);
    const r = await callApi("/api/account/profile", "POST", { name: f.get("name"), locale: f.get("locale") });
    s.setBusy(false);
    if (!r.ok) return s.setError(r.error);
    window.location.reload();
  }
  return (
    <form onSubmit={onSubmit} noValidate>
      <Feedback error={s.error} saved={s.saved} label={t("saved")} />
      <label className="field">
        {t("name")}
        <input name="name" defaultValue={name} required maxLength={100} />
      </label>
      <label className="field">
        {t("language")}
        <select name="locale" defaultValue={locale}>
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </label>
      <button className="primary" type="submit" disabled={s.busy}>
        {t("save")}
      </button>
    </form>
  );
}

export function PasswordForm() {
  const t = useTranslations("account");
  const s = useForm();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
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
  }
  return (
    <form onSubmit={onSubmit} noValidate>
      <Feedback error={s.error} saved={s.saved} label={t("passwordChanged")} />
      <label className="field">
        {t("current")}
        <input name="current" type="password" autoComplete="current-password" required maxLength={200} />
      </label>
      <NewPasswordFields name="next" />
      <button className="primary" type="submit" disabled={s.busy}>
        {t("change")}
      </button>
    </form>
  );
}

export function SetPasswordForm({ token, email }: { token: string; email: string }) {
  const t = useTranslations("account");
  const s = useForm();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
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
  }
  return (
    <form onSubmit={onSubmit} noValidate>
      <Feedback error={s.error} saved={false} label="" />
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <NewPasswordFields name="password" />
      <button className="primary" type="submit" disabled={s.busy}>
        {t("setPassword")}
      </button>
    </form>
  );
}
