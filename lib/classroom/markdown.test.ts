import { describe, expect, it } from "vitest";
import { joinJapaneseLines, renderLessonMarkdown } from "./markdown";

describe("lesson markdown", () => {
  it("joins Japanese sentences written on separate lines without adding a space", () => {
    expect(renderLessonMarkdown("Podを確認しましょう。\nこのPodは1つです。", "ja")).toBe(
      "<p>Podを確認しましょう。このPodは1つです。</p>\n",
    );
  });

  it("keeps line breaks next to ASCII (English, commands) and inside code blocks", () => {
    const md = "コマンドは\n`kubectl get pods` です。\n\n```\nkubectl get pods\nkubectl describe pods\n```\n";
    expect(joinJapaneseLines(md)).toBe(md);
    expect(renderLessonMarkdown("first line\nsecond line", "en")).toBe("<p>first line\nsecond line</p>\n");
  });
});
