/** Splits raw xterm.js input into key events. */
import { CSI_CURSOR_KEYS } from "../shell/screen/text";

export type SpecialKey =
  | "enter"
  | "backspace"
  | "delete"
  | "left"
  | "right"
  | "up"
  | "down"
  | "home"
  | "end"
  | "wordLeft"
  | "wordRight"
  | "tab"
  | "ctrlC"
  | "ctrlD"
  | "ctrlL"
  | "ctrlU"
  | "ctrlK"
  | "ctrlW"
  | "pasteStart"
  | "pasteEnd"
  | "ignore";

export type Key = { kind: "char"; text: string } | { kind: SpecialKey };

const CSI: Record<string, SpecialKey> = {
  ...CSI_CURSOR_KEYS,
  "200~": "pasteStart",
  "201~": "pasteEnd",
  "1;5D": "wordLeft",
  "1;5C": "wordRight",
  "1;3D": "wordLeft",
  "1;3C": "wordRight",
};

const CONTROL: Record<string, SpecialKey> = {
  "\r": "enter",
  "\n": "enter",
  "\x7f": "backspace",
  "\b": "backspace",
  "\t": "tab",
  "\x01": "home",
  "\x05": "end",
  "\x02": "left",
  "\x06": "right",
  "\x10": "up",
  "\x0e": "down",
  "\x03": "ctrlC",
  "\x04": "ctrlD",
  "\x0c": "ctrlL",
  "\x15": "ctrlU",
  "\x0b": "ctrlK",
  "\x17": "ctrlW",
};

/**
 * Parses as many complete keys as `data` holds; returns them and the unparsed tail (an escape
 * sequence split across two socket messages).
 */
export function parseKeys(data: string): { keys: Key[]; rest: string; ends: number[] } {
  const keys: Key[] = [];
  /** Where each key's bytes end in `data` (a full-screen program gets them raw). */
  const ends: number[] = [];
  let i = 0;
  while (i < data.length) {
    while (ends.length < keys.length) ends.push(i);
    const c = data[i] ?? "";
    if (c === "\x1b") {
      if (i + 1 >= data.length) return { keys, rest: data.slice(i), ends: fill(ends, keys.length, i) };
      const n = data[i + 1];
      if (n === "[") {
        const m = /^\x1b\[([0-?]*)([ -/]*)([@-~])/.exec(data.slice(i, i + 32));
        if (m === null) {
          if (data.length - i < 32 && /^\x1b\[[0-?]*[ -/]*$/.test(data.slice(i)))
            return { keys, rest: data.slice(i), ends: fill(ends, keys.length, i) };
          i += 2;
          keys.push({ kind: "ignore" });
          continue;
        }
        const id = `${m[1] ?? ""}${m[3] ?? ""}`;
        keys.push({ kind: CSI[id] ?? CSI[m[3] ?? ""] ?? "ignore" });
        if (CSI[id] === undefined && (m[1] ?? "") !== "") keys[keys.length - 1] = { kind: "ignore" };
        i += m[0].length;
        continue;
      }
      if (n === "O") {
        if (i + 2 >= data.length) return { keys, rest: data.slice(i), ends: fill(ends, keys.length, i) };
        keys.push({ kind: CSI[data[i + 2] ?? ""] ?? "ignore" });
        i += 3;
        continue;
      }
      if (n === "b") keys.push({ kind: "wordLeft" });
      else if (n === "f") keys.push({ kind: "wordRight" });
      else if (n === "\x7f") keys.push({ kind: "ctrlW" });
      else keys.push({ kind: "ignore" });
      i += 2;
      continue;
    }
    if (c === "\r" && data[i + 1] === "\n") {
      keys.push({ kind: "enter" });
      i += 2;
      continue;
    }
    const ctl = CONTROL[c];
    if (ctl !== undefined) {
      keys.push({ kind: ctl });
      i++;
      continue;
    }
    const cp = c.codePointAt(0) ?? 0;
    if (cp < 0x20) {
      keys.push({ kind: "ignore" });
      i++;
      continue;
    }
    // Keep surrogate pairs together; merge consecutive printable chars into one event.
    let j = i;
    while (j < data.length) {
      const d = data.codePointAt(j) ?? 0;
      if (d < 0x20 || d === 0x7f || d === 0x1b) break;
      j += d > 0xffff ? 2 : 1;
    }
    keys.push({ kind: "char", text: data.slice(i, j) });
    i = j;
  }
  return { keys, rest: "", ends: fill(ends, keys.length, i) };
}

function fill(ends: number[], n: number, at: number): number[] {
  while (ends.length < n) ends.push(at);
  return ends;
}
