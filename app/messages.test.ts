/** The words of the interface (messages/*.json), as a reader meets them page after page. */
import { describe, expect, it } from "vitest";
import ja from "../messages/ja.json";

/** Every string of a catalogue with its dotted key. */
function strings(tree: unknown, at = ""): Array<[string, string]> {
  if (typeof tree === "string") return [[at, tree]];
  return Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) =>
    strings(v, at ? `${at}.${k}` : k),
  );
}

describe("interface words", () => {
  it("names a student 受講者 and a teacher 講師 on every Japanese page, never 学生 or 教員", () => {
    // The class page, the board and the admin's roles said 受講者/講師 while the live session,
    // the charts and the refusals said 学生/教員: two words for one person, screen to screen.
    const other = strings(ja).filter(([, s]) => /学生|教員/.test(s));
    expect(other).toEqual([]);
  });
});
