/** Lesson Markdown → HTML for the lesson page (the content is ours, from courses/). */
import { marked } from "marked";

/**
 * Japanese prose is written one sentence per line; a Markdown soft break between two Japanese
 * characters must not turn into a space. Fenced code blocks are left as they are.
 */
export function joinJapaneseLines(md: string): string {
  return md
    .split(/(```[\s\S]*?```)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/([^\x00-\x7F])\n(?=[^\x00-\x7F])/g, "$1")))
    .join("");
}

/**
 * A Japanese heading that begins in Latin letters ("Step 3: 存在しないバージョンに更新してみる"):
 * its Japanese part in a box of its own (span.phrases, an inline-block). The browser breaks
 * Japanese between phrases (word-break: auto-phrase) only where a line is all Japanese; with the
 * "Step 3:" in front it broke inside バージョン. In its own box the title drops whole under the
 * "Step 3:" when the line is too short, and breaks there between phrases.
 */
function phraseBoxes(html: string): string {
  return html.replace(
    /<(h[1-3])>(Step \d+[:：]) ([^<]*[^\x00-\x7F][^<]*)<\/\1>/g,
    '<$1>$2 <span class="phrases">$3</span></$1>',
  );
}

export function renderLessonMarkdown(md: string, lang: "ja" | "en"): string {
  const html = marked.parse(lang === "ja" ? joinJapaneseLines(md) : md, { async: false, gfm: true });
  return lang === "ja" ? phraseBoxes(html) : html;
}
