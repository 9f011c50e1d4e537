/** Display-width and escape-sequence helpers for an xterm-compatible screen. */

import widths from "./unicode11-widths.json" with { type: "json" };

/** `"FIRST-LAST"` or `"ONE"` hex ranges as flat inclusive [first, last] pairs. */
function rangePairs(ranges: readonly string[]): number[] {
  return ranges.flatMap((r) => {
    const [first = "", last = first] = r.split("-");
    return [Number.parseInt(first, 16), Number.parseInt(last, 16)];
  });
}

/**
 * Unicode 11 widths as xterm.js with @xterm/addon-unicode11 (activeVersion "11") lays them out in
 * the student's browser, kept as data (docs/adr/0012): Mn/Me/Cf take no cell, W/F take two.
 */
const ZERO_WIDTH = rangePairs(widths.zeroWidth);
const DOUBLE_WIDTH = rangePairs(widths.doubleWidth);

// CSI/OSC/other escape sequences, as emitted by our programs (colour, clear screen, cursor moves).
const ANSI_RE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI_RE, "");
}

/** Whether `cp` lies in one of the inclusive [first, last] pairs of `ranges` (ascending). */
function inRanges(cp: number, ranges: readonly number[]): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < (ranges[2 * mid] ?? 0)) hi = mid - 1;
    else if (cp > (ranges[2 * mid + 1] ?? 0)) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Columns a code point occupies on the student's screen: xterm.js with the Unicode 11 width
 * table (the browser loads @xterm/addon-unicode11), so the line editor's cursor arithmetic
 * agrees with where xterm actually puts the cursor after an emoji, a CJK character or an accent.
 */
export function codePointWidth(cp: number): number {
  if (cp < 32 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x7f) return 1;
  if (inRanges(cp, ZERO_WIDTH)) return 0;
  if (inRanges(cp, DOUBLE_WIDTH)) return 2;
  return 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of stripAnsi(s)) w += codePointWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** Converts lone `\n` to `\r\n` (the tty's ONLCR), so xterm returns to column 0. */
export function toCrlf(s: string): string {
  return s.replace(/\r?\n/g, "\r\n");
}
