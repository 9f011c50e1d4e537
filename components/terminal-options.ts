import type { FitAddon } from "@xterm/addon-fit";
import type { ITerminalOptions, Terminal } from "@xterm/xterm";

/**
 * One look for every xterm on our pages (the student's tabs and the teacher's mirror), so the
 * teacher reads exactly what the student sees.
 */
export const TERMINAL_OPTIONS = {
  fontSize: 14,
  fontFamily: '"DejaVu Sans Mono", ui-monospace, Menlo, Consolas, "Liberation Mono", monospace',
  // The DOM renderer clips each row to its cell height. At line height 1 that is the font's
  // ascent + descent rounded down (16 px for DejaVu Sans Mono at 14 px and DPR 1), and `_` sits
  // in the lost bottom pixel: `a_b_c` read as `a b c`. 1.2 leaves room below every glyph.
  lineHeight: 1.2,
  theme: { background: "#11151c" },
  // `term.unicode` (switching to the Unicode 11 widths) is still marked as proposed API.
  allowProposedApi: true,
} as const satisfies ITerminalOptions;

/**
 * A terminal with our options, fitted to its box, laying out wide and zero-width characters by
 * Unicode 11 — the table the server's line editor counts columns with (lib/terminal/text.ts);
 * xterm's default (Unicode 6) gives most emoji one column and the cursor drifts.
 */
export async function createTerminal(options: ITerminalOptions): Promise<{ term: Terminal; fit: FitAddon }> {
  const [{ Terminal }, { FitAddon }, { Unicode11Addon }] = await Promise.all([
    import("@xterm/xterm"),
    import("@xterm/addon-fit"),
    import("@xterm/addon-unicode11"),
  ]);
  const term = new Terminal({ ...TERMINAL_OPTIONS, ...options });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = "11";
  return { term, fit };
}

/**
 * A finger's swipe over an opened terminal scrolls its output, line by line as the finger moves
 * (down: back to older lines). xterm.js 6 scrolls by wheel and by dragging its scroll bar only;
 * on a phone there is no wheel and the bar is a sliver at the edge. The page does not move
 * with the swipe while there is output to scroll (no pull-to-refresh mid-scroll).
 */
export function scrollByTouch(term: Terminal): void {
  const el = term.element;
  if (!el) return;
  let lastY: number | null = null;
  let moved = 0;
  const rowHeight = () => {
    const screen = el.querySelector(".xterm-screen")?.getBoundingClientRect().height ?? 0;
    return screen > 0 && term.rows > 0 ? screen / term.rows : 0;
  };
  el.addEventListener(
    "touchstart",
    (e) => {
      lastY = e.touches.length === 1 ? e.touches[0]!.clientY : null;
      moved = 0;
    },
    { passive: true },
  );
  el.addEventListener(
    "touchmove",
    (e) => {
      if (lastY === null || e.touches.length !== 1) return;
      const y = e.touches[0]!.clientY;
      moved += lastY - y;
      lastY = y;
      const h = rowHeight();
      if (h > 0) {
        const lines = Math.trunc(moved / h);
        if (lines !== 0) {
          term.scrollLines(lines);
          moved -= lines * h;
        }
      }
      if (term.buffer.active.baseY > 0 && e.cancelable) e.preventDefault();
    },
    { passive: false },
  );
  const end = () => {
    lastY = null;
  };
  el.addEventListener("touchend", end, { passive: true });
  el.addEventListener("touchcancel", end, { passive: true });
}
