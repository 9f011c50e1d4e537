/**
 * What each terminal tab shows, kept as a headless xterm per tab (the same emulator the
 * browser runs), so a browser that reloads or reconnects — or comes back after a server
 * restart — gets the screen as it was: escape sequences are parsed, never cut in half the way
 * a raw byte tail is.
 *
 * A replay starts with RIS (`ESC c`, full reset): the browser's xterm drops what it shows and
 * draws the serialized screen, so a reconnect without reload never stacks a second prompt next
 * to the first. The screens are saved with the workstation; after a restart each tab is drawn
 * as it was, followed by one line naming the jobs that stopped with the restart.
 */
import serializeAddon from "@xterm/addon-serialize";
import headless from "@xterm/headless";

/** Lines of scrollback kept per tab and replayed (the browser keeps more of its own). */
const SCROLLBACK = 1000;
/**
 * Lines of scrollback saved with the snapshot. The history is saved as plain text (about 3 µs a
 * line) and only the visible screen through the serializer with its colours and cursor: the
 * serializer costs ~30 µs a line (6.7 ms of CPU for 200 lines + the screen), and a busy class
 * saves ~17 workspaces a second, 1,000 at shutdown (docs/performance.md).
 */
const SAVED_SCROLLBACK = 200;
/** Full reset: the receiving xterm starts from an empty screen. */
export const RESET = "\x1bc";

/** One tab as saved with the workstation. */
export interface SavedScreen {
  /** SerializeAddon output: scrollback + screen + cursor. */
  data: string;
  cols: number;
  rows: number;
  /** Column of the cursor (0: the next output starts a fresh line). */
  cursorX: number;
  /** Background jobs still running when saved (`kubectl proxy &`). */
  jobs: string[];
  /** A foreground command was running when saved. */
  busy: boolean;
}

export type SavedScreens = Record<string, SavedScreen>;

interface Tab {
  term: InstanceType<typeof headless.Terminal>;
  serializer: InstanceType<typeof serializeAddon.SerializeAddon>;
  /** Resolves once everything written so far is parsed. */
  parsed: Promise<void>;
  /** The last saved form, until the screen changes again. */
  saved?: Omit<SavedScreen, "jobs" | "busy">;
}

export class TabScreens {
  private readonly tabs = new Map<string, Tab>();
  private readonly restored: Map<string, SavedScreen>;

  constructor(restored: SavedScreens = {}) {
    this.restored = new Map(Object.entries(restored));
  }

  has(tabId: string): boolean {
    return this.tabs.has(tabId);
  }

  /** Starts a tab's screen; after a restart it starts as saved, returned for the browser with a notice. */
  open(tabId: string, cols: number, rows: number): string | null {
    const term = new headless.Terminal({ cols, rows, scrollback: SCROLLBACK, allowProposedApi: true });
    const serializer = new serializeAddon.SerializeAddon();
    term.loadAddon(serializer as never);
    const tab: Tab = { term, serializer, parsed: Promise.resolve() };
    this.tabs.set(tabId, tab);
    const saved = this.restored.get(tabId);
    this.restored.delete(tabId);
    if (saved === undefined) return null;
    const shown = RESET + saved.data + (saved.cursorX > 0 ? "\r\n" : "") + stoppedNotice(saved);
    this.write(tabId, shown);
    return shown;
  }

  write(tabId: string, data: string): void {
    const tab = this.tabs.get(tabId);
    if (tab === undefined) return;
    tab.saved = undefined;
    tab.parsed = new Promise((resolve) => tab.term.write(data, resolve));
  }

  resize(tabId: string, cols: number, rows: number): void {
    const tab = this.tabs.get(tabId);
    if (tab === undefined || (tab.term.cols === cols && tab.term.rows === rows)) return;
    tab.saved = undefined;
    tab.term.resize(cols, rows);
  }

  close(tabId: string): void {
    this.tabs.get(tabId)?.term.dispose();
    this.tabs.delete(tabId);
  }

  /** What a (re)attaching browser is sent: a reset, then the screen as it is now. */
  async replay(tabId: string): Promise<string> {
    const tab = this.tabs.get(tabId);
    if (tab === undefined) return "";
    await tab.parsed;
    return RESET + tab.serializer.serialize({ scrollback: SCROLLBACK });
  }

  /** The screen as parsed so far (a teacher starting to watch). */
  now(tabId: string): string {
    const tab = this.tabs.get(tabId);
    return tab === undefined ? "" : RESET + tab.serializer.serialize({ scrollback: SCROLLBACK });
  }

  /** For the snapshot; `state` says per tab what would stop with a restart. */
  toJSON(state: (tabId: string) => { jobs: string[]; busy: boolean }): SavedScreens {
    const out: SavedScreens = {};
    for (const [tabId, saved] of this.restored) out[tabId] = saved;
    for (const [tabId, tab] of this.tabs) {
      tab.saved ??= {
        data: savedForm(tab, SAVED_SCROLLBACK),
        cols: tab.term.cols,
        rows: tab.term.rows,
        cursorX: tab.term.buffer.active.cursorX,
      };
      out[tabId] = { ...tab.saved, ...state(tabId) };
    }
    return out;
  }

  dispose(): void {
    for (const tab of this.tabs.values()) tab.term.dispose();
    this.tabs.clear();
  }
}

/**
 * A tab's screen for the snapshot: up to `scrollback` lines of history as plain text (wrapped
 * rows joined again, so a terminal of another width wraps them itself), then the screen as the
 * serializer writes it (colours, cursor). In a full-screen program (the alternate buffer) the
 * serializer writes it all.
 */
function savedForm(tab: Tab, scrollback: number): string {
  const buf = tab.term.buffer.active;
  if (buf.type !== "normal" || buf.baseY === 0)
    return tab.serializer.serialize({ scrollback: buf.type === "normal" ? scrollback : 0 });
  const from = Math.max(0, buf.baseY - scrollback);
  let history = "";
  for (let i = from; i < buf.baseY; i++) {
    const line = buf.getLine(i);
    if (!line) continue;
    const next = buf.getLine(i + 1);
    // A row that continues on the next one (wrapped) keeps its trailing blanks and no newline.
    history += next?.isWrapped ? line.translateToString(false) : `${line.translateToString(true)}\r\n`;
  }
  return history + tab.serializer.serialize({ scrollback: 0 });
}

/** One line naming what stopped with the restart (nothing when nothing ran). */
export function stoppedNotice(saved: Pick<SavedScreen, "jobs" | "busy">): string {
  const what = [...saved.jobs];
  if (saved.busy) what.push("the command that was running");
  if (what.length === 0) return "";
  return `\x1b[33m[kubeclass] The server restarted; stopped with it: ${what.join(", ")}. Start again what you still need.\x1b[0m\r\n`;
}

/**
 * The workstation column holds the workstation snapshot and, beside it, the tab screens
 * (one JSON object: the workstation's own fields plus `screens`).
 */
export function packWorkstation(workstation: object, screens: SavedScreens): string {
  return JSON.stringify({ ...workstation, screens });
}

export function unpackScreens(parsed: unknown): SavedScreens {
  if (parsed === null || typeof parsed !== "object") return {};
  const screens = (parsed as { screens?: unknown }).screens;
  if (screens === null || typeof screens !== "object") return {};
  const out: SavedScreens = {};
  for (const [tabId, s] of Object.entries(screens as Record<string, Partial<SavedScreen>>)) {
    if (typeof s?.data !== "string") continue;
    out[tabId] = {
      data: s.data,
      cols: Number(s.cols) || 80,
      rows: Number(s.rows) || 24,
      cursorX: Number(s.cursorX) || 0,
      jobs: Array.isArray(s.jobs) ? s.jobs.filter((j): j is string => typeof j === "string") : [],
      busy: s.busy === true,
    };
  }
  return out;
}
