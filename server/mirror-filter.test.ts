import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Osc8Stripper, stripOsc8 } from "./mirror-filter";

const link = (uri: string, text: string, st = "\x1b\\") => `\x1b]8;;${uri}${st}${text}\x1b]8;;${st}`;

describe("OSC 8 hyperlinks in the teacher's mirror", () => {
  it("removes the link and keeps its text (ST and BEL terminators)", () => {
    expect(stripOsc8(`see ${link("http://evil.example/login", "the docs")} now`)).toBe("see the docs now");
    expect(stripOsc8(`${link("https://x.example", "x", "\x07")}`)).toBe("x");
    expect(stripOsc8(`\x1b]8${link("http://a.example", "")};;http://b.example\x07x`)).toBe("x");
    expect(stripOsc8("\x1b[31mred\x1b[0m\x1b]0;title\x07")).toBe("\x1b[31mred\x1b[0m\x1b]0;title\x07");
  });

  it("removes a link cut anywhere between two chunks", () => {
    const whole = `a ${link("http://evil.example/p?q=1", "click")} b`;
    for (let i = 0; i <= whole.length; i++) {
      const s = new Osc8Stripper();
      expect(s.push(whole.slice(0, i)) + s.push(whole.slice(i))).toBe("a click b");
    }
  });

  it("no split of any text into chunks lets a link through", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.constantFrom(
              link("http://e.example", "t"),
              "\x1b",
              "\x1b]8",
              "\x1b]8;;",
              ";;http://x",
              "\x07",
              "\x1b\\",
            ),
          ),
          {
            maxLength: 8,
          },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        (parts, cuts) => {
          const text = parts.join("");
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const s = new Osc8Stripper();
          let out = "";
          let from = 0;
          for (const p of [...points, text.length]) {
            out += s.push(text.slice(from, p));
            from = p;
          }
          expect(out).not.toMatch(/\x1b\]8;[^\x07\x1b]*(\x07|\x1b\\)/);
        },
      ),
    );
  });
});
