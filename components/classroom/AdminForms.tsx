"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { callApi } from "./api";
import { EmailField, ErrorLine, LanguageField, NameField, SubmitButton } from "./fields";
import { LinkBox } from "./LinkBox";

type Issued = { mailed: boolean; link?: string };

export function InviteForm() {
  const t = useTranslations("admin");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const form = e.currentTarget;
    setBusy(true);
    setError(null);
    setIssued(null);
    const r = await callApi<Issued>("/api/admin/users", "POST", {
      email: f.get("email"),
      name: f.get("name"),
      role: f.get("role"),
      locale: f.get("locale"),
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setIssued(r.data);
    form.reset();
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="row-form" noValidate>
      <ErrorLine error={error} />
      <NameField label={t("name")} />
      {/* someone else's address: not the username a password manager would fill in */}
      <EmailField label={t("email")} autoComplete={undefined} />
      <label className="field">
        {t("role")}
        <select name="role" defaultValue="TEACHER">
          <option value="TEACHER">{t("roles.TEACHER")}</option>
          <option value="ADMIN">{t("roles.ADMIN")}</option>
        </select>
      </label>
      <LanguageField label={t("language")} defaultValue="ja" />
      <SubmitButton busy={busy}>{t("invite")}</SubmitButton>
      {issued && (
        <div className="note" role="status" data-testid="issued">
          {issued.mailed ? t("mailed") : t("handOver")}
          {issued.link && <LinkBox link={issued.link} />}
        </div>
      )}
    </form>
  );
}

export function UserActions({
  userId,
  disabled,
  self,
}: {
  userId: string;
  disabled: boolean;
  self: boolean;
}) {
  const t = useTranslations("admin");
  const router = useRouter();
  const [issued, setIssued] = useState<Issued | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(action: "disable" | "enable" | "reset") {
    setError(null);
    const r = await callApi<Issued>(`/api/admin/users/${userId}`, "POST", { action });
    if (!r.ok) return setError(r.error);
    if (action === "reset") setIssued(r.data);
    router.refresh();
  }

  return (
    <div className="actions">
      <button type="button" className="linkbtn" onClick={() => void act("reset")}>
        {t("resetLink")}
      </button>
      {!self && (
        <button type="button" className="linkbtn" onClick={() => void act(disabled ? "enable" : "disable")}>
          {disabled ? t("enable") : t("disable")}
        </button>
      )}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
      {issued &&
        (issued.link ? <LinkBox link={issued.link} /> : <span className="muted">{t("mailed")}</span>)}
    </div>
  );
}
