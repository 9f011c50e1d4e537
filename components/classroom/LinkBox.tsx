"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

/** A one-time or join link shown to copy and hand over. */
export function LinkBox({ link, label }: { link: string; label?: string }) {
  const t = useTranslations("classroom");
  const [copied, setCopied] = useState(false);
  return (
    <div className="linkbox">
      {label && <span className="muted">{label}</span>}
      <code data-testid="link">{link}</code>
      <button
        type="button"
        className="linkbtn"
        onClick={() => {
          void navigator.clipboard?.writeText(link).then(() => setCopied(true));
        }}
      >
        {copied ? t("copied") : t("copy")}
      </button>
    </div>
  );
}
