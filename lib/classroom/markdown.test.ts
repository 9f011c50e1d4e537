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

  it("boxes the Japanese title of a 'Step N:' heading, so that it breaks between phrases", () => {
    expect(renderLessonMarkdown("## Step 3: 存在しないバージョンに更新してみる\n", "ja")).toBe(
      '<h2>Step 3: <span class="phrases">存在しないバージョンに更新してみる</span></h2>\n',
    );
    // English headings, and Japanese ones without the Latin prefix, are left as they are.
    expect(renderLessonMarkdown("## Step 1: Check the configuration\n", "en")).toBe(
      "<h2>Step 1: Check the configuration</h2>\n",
    );
    expect(renderLessonMarkdown("## ローリングアップデート\n", "ja")).toBe(
      "<h2>ローリングアップデート</h2>\n",
    );
  });
});
