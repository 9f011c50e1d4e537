"use client";

import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { OneOfButtons } from "./OneOfButtons";

/** ja/en switch; the choice is stored in a cookie and, when signed in, on the user. */
export function LocaleSwitch() {
  const locale = useLocale();
  const [pending, start] = useTransition();
  function choose(next: "ja" | "en") {
    if (next === locale) return;
    start(async () => {
      await fetch("/api/locale", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ locale: next }),
      });
      window.location.reload();
    });
  }
  return (
    <span style={{ display: "inline-flex", gap: 4, whiteSpace: "nowrap" }} aria-busy={pending}>
      <OneOfButtons
        className="linkbtn"
        options={["ja", "en"] as const}
        chosen={locale}
        choose={choose}
        label={(l) => (l === "ja" ? "日本語" : "English")}
      />
    </span>
  );
}

/** The top of a page seen before signing in (login, join, set password): the name and the ja/en switch. */
export function PublicHeader() {
  const t = useTranslations("app");
  return (
    <div
      style={{
        display: "flex",
        flexWrap: "wrap",
        gap: "0.25rem 0.75rem",
        justifyContent: "space-between",
        alignItems: "center",
      }}
    >
      <h1>{t("name")}</h1>
      <LocaleSwitch />
    </div>
  );
}
