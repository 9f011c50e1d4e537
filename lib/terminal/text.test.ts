/**
 * Our width table against xterm.js itself: the browser's terminal runs @xterm/addon-unicode11,
 * so every code point must take as many columns here as there.
 */
import { Unicode11Addon } from "@xterm/addon-unicode11";
import { Terminal } from "@xterm/headless";
import { describe, expect, it } from "vitest";
import { codePointWidth, displayWidth } from "./text";

interface WidthProvider {
  version: string;
  wcwidth(cp: number): number;
}

/** The addon's Unicode 11 provider, as it registers itself with a terminal. */
function unicode11(): WidthProvider {
  let provider: WidthProvider | undefined;
  const host = { unicode: { register: (p: WidthProvider) => (provider = p) } };
  new Unicode11Addon().activate(host as unknown as Parameters<Unicode11Addon["activate"]>[0]);
  if (provider?.version !== "11") throw new Error("the addon registered no Unicode 11 provider");
  return provider;
}

/** Where xterm (headless, Unicode 11 active) leaves the cursor after writing `s` on a fresh line. */
function xtermColumns(s: string): Promise<number> {
  const term = new Terminal({ cols: 80, rows: 4, allowProposedApi: true });
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = "11";
  return new Promise((resolve) =>
    term.write(s, () => {
      resolve(term.buffer.active.cursorX);
      term.dispose();
    }),
  );
}

describe("character widths", () => {
  it("match xterm's Unicode 11 table for every code point", () => {
    const v11 = unicode11();
    const differ: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue; // surrogates never stand alone in a JS string
      const ours = codePointWidth(cp);
      const theirs = v11.wcwidth(cp);
      if (ours !== theirs && differ.length < 20) differ.push(`U+${cp.toString(16)}: ${ours} ≠ ${theirs}`);
    }
    expect(differ).toEqual([]);
  });

  it.each([
    ["ASCII", "kubectl get pods"],
    ["Japanese", "ポッドとノード"],
    ["Korean", "한국어"],
    ["halfwidth katakana", "ｶﾀｶﾅ"],
    ["fullwidth letters", "ＡＢＣ"],
    ["emoji", "🚀 ✅ ⌚ 😀 🤖"],
    ["emoji with skin tone", "👍🏽"],
    ["combining accents", "e\u0301te\u0301"],
    ["zero-width joiner and variation selector", "a\u200db\ufe0f"],
    ["CJK extension B", "𠀋"],
  ])("%s: the cursor ends where xterm puts it", async (_name, s) => {
    expect(displayWidth(s)).toBe(await xtermColumns(s));
  });
});
