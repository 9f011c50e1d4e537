/**
 * The saved form of a tab's screen (history as text, the screen serialized) draws the same
 * text and cursor as the tab it was saved from, wrapped rows included.
 */
import headless from "@xterm/headless";
import { describe, expect, it } from "vitest";
import { TabScreens } from "./screens";

const PROMPT = "\x1b[01;32mstudent@minikube\x1b[00m:\x1b[01;34m~\x1b[00m$ ";

function text(term: InstanceType<typeof headless.Terminal>): string[] {
  const b = term.buffer.active;
  const out: string[] = [];
  for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? "");
  return out;
}

const written = (term: InstanceType<typeof headless.Terminal>, data: string) =>
  new Promise<void>((resolve) => term.write(data, resolve));

describe("saved screens", () => {
  it("replay to the same text and cursor, with long lines wrapped again", async () => {
    const screens = new TabScreens();
    screens.open("1", 80, 24);
    let out = PROMPT;
    for (let i = 0; i < 120; i++) {
      out += i % 9 === 0 ? `echo ${"x".repeat(150)}\r\n${"x".repeat(150)}\r\n` : `line ${i}\r\n`;
      out += PROMPT;
    }
    out += "kubectl get po";
    screens.write("1", out);
    const live = new headless.Terminal({ cols: 80, rows: 24, scrollback: 1000, allowProposedApi: true });
    await written(live, out);
    await screens.replay("1");
    const saved = screens.toJSON(() => ({ jobs: [], busy: false }))["1"]!;
    expect(saved.cursorX).toBe(live.buffer.active.cursorX);
    const restored = new headless.Terminal({ cols: 80, rows: 24, scrollback: 1000, allowProposedApi: true });
    await written(restored, saved.data);
    // The saved history is the newest 200 lines above the screen.
    expect(text(restored).slice(-200)).toEqual(text(live).slice(-200));
    expect(restored.buffer.active.cursorX).toBe(live.buffer.active.cursorX);
    expect(restored.buffer.active.cursorY).toBe(live.buffer.active.cursorY);
    // The screen keeps its colours (the prompt's green).
    expect(saved.data.slice(-2000)).toMatch(/\x1b\[[0-9;]*\b32[;m]/);
    screens.dispose();
  });
});
