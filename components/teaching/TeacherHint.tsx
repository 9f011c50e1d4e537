"use client";

import { useTranslations } from "next-intl";
import type { TeacherHintView } from "@/lib/protocol/teaching";
import { CodeText } from "./code-text";
import "./teaching.css";

/** The hint a teacher pushed to this student, shown in the lesson pane until closed. */
export function TeacherHint({
  hint,
  lang,
  onClose,
}: {
  hint: TeacherHintView;
  lang: "ja" | "en";
  onClose: () => void;
}) {
  const t = useTranslations("liveTeach");
  return (
    <aside className="teacher-hint" role="status" data-testid="teacher-hint">
      <strong>{t("teacherHint")}</strong>
      <p>
        <CodeText text={hint[lang]} />
      </p>
      <button type="button" className="linkbtn" onClick={onClose}>
        {t("close")}
      </button>
    </aside>
  );
}
