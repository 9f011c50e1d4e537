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

export function renderLessonMarkdown(md: string, lang: "ja" | "en"): string {
  return marked.parse(lang === "ja" ? joinJapaneseLines(md) : md, { async: false, gfm: true });
}
