/**
 * The full-screen programs on the workstation's PATH: vi/vim, nano, less, more and watch. They
 * run as builtins (they need the shell's files, and watch runs command lines) and draw through
 * the terminal's FullScreen hand-over (docs/adr/0016).
 */
import { utcFields } from "../cluster/time";
import type { Builtin, BuiltinContext } from "./builtins";
import { fsErrorText } from "./interp";
import { InterruptSource, sleepFor } from "./interrupt";
import { FullScreenApp } from "./screen/app";
import { Nano } from "./screen/nano";
import { Pager } from "./screen/pager";
import { drawBand, linesOf, splitKeys } from "./screen/text";
import { type EditFile, Vi } from "./screen/vi";
import type { Screen, ScreenApp } from "./types";
import { watchTitle } from "./watch-title";

/** The file an editor opens: the first argument that is not an option. */
function editFile(c: BuiltinContext): EditFile {
  const name = c.argv.slice(1).find((a) => !a.startsWith("-") && !a.startsWith("+"));
  const path = name === undefined ? undefined : c.shell.resolve(name);
  let text: string | undefined;
  if (path !== undefined) {
    const r = c.shell.fs.read(path);
    if (typeof r === "string") text = r;
  }
  return {
    ...(name !== undefined ? { name } : {}),
    ...(text !== undefined ? { text } : {}),
    save(target, data) {
      const e = c.shell.fs.write(c.shell.resolve(target), data, false);
      return e === undefined ? undefined : fsErrorText(e);
    },
  };
}

async function runScreen(c: BuiltinContext, app: ScreenApp, program: string): Promise<number | undefined> {
  const fullScreen = c.programIO(c.argv).fullScreen;
  if (fullScreen === undefined) return undefined;
  void program;
  await fullScreen(app);
  return 0;
}

const vi: Builtin = async (c) => {
  const file = editFile(c);
  if (file.name !== undefined && c.shell.fs.isDir(c.shell.resolve(file.name))) {
    // Vim opens a directory listing (netrw); here it says what it is
    c.err(`"${file.name}" is a directory\n`);
    return 1;
  }
  const code = await runScreen(c, new Vi(file), "vim");
  if (code !== undefined) return code;
  c.err("Vim: Warning: Output is not to a terminal\n");
  return 1;
};

const nano: Builtin = async (c) => {
  const file = editFile(c);
  if (file.name !== undefined && c.shell.fs.isDir(c.shell.resolve(file.name))) {
    c.err(`Error reading ${file.name}: Is a directory\n`);
    return 1;
  }
  const code = await runScreen(c, new Nano(file), "nano");
  if (code !== undefined) return code;
  c.err("Too many errors from stdin\n");
  return 1;
};

function pager(more: boolean): Builtin {
  return async (c) => {
    const prog = more ? "more" : "less";
    const names = c.argv.slice(1).filter((a) => !a.startsWith("-") && !a.startsWith("+"));
    let text = "";
    let name: string | undefined;
    if (names.length === 0) {
      if (c.stdin === "" && c.programIO(c.argv).fullScreen !== undefined) {
        c.err(
          more
            ? "more: bad usage\nTry 'more --help' for more information.\n"
            : 'Missing filename ("less --help" for help)\n',
        );
        return 1;
      }
      text = c.stdin;
    } else {
      name = names[0];
      for (const n of names) {
        const r = c.shell.fs.read(c.shell.resolve(n));
        if (typeof r !== "string") {
          c.err(
            r.error === "EISDIR"
              ? more
                ? `\n*** ${n}: directory ***\n\n`
                : `${n} is a directory\n`
              : `${more ? "more: cannot open " : ""}${n}: No such file or directory\n`,
          );
          return 1;
        }
        text += r;
      }
    }
    const app = new Pager(text, { ...(name !== undefined ? { name } : {}), more });
    // more prints a text that fits on the screen and ends, as it does not need to page
    if (more && c.programIO(c.argv).fullScreen !== undefined && linesOf(text).length < 23) {
      c.out(text);
      return 0;
    }
    const code = await runScreen(c, app, prog);
    if (code !== undefined) return code;
    // not a terminal: both copy their input to their output
    c.out(text);
    return 0;
  };
}

/** procps-ng watch's date on the header: `Wed Dec  2 09:30:01 2026` (ctime without the zone). */
function ctime(ms: number): string {
  const t = utcFields(ms);
  return `${t.weekday} ${t.monthName} ${String(t.day).padStart(2)} ${t.hms} ${t.year}`;
}

const WATCH_USAGE = `
Usage:
 watch [options] command

Options:
  -b, --beep             beep if command has a non-zero exit
  -c, --color            interpret ANSI color and style sequences
  -d, --differences[=<permanent>]
                         highlight changes between updates
  -e, --errexit          exit if command has a non-zero exit
  -g, --chgexit          exit when output from command changes
  -n, --interval <secs>  seconds to wait between updates
  -p, --precise          attempt run command in precise intervals
  -t, --no-title         turn off header
  -w, --no-wrap          turn off line wrapping
  -x, --exec             pass command to exec instead of "sh -c"

 -h, --help     display this help and exit
 -v, --version  output version information and exit

For more details see watch(1).
`;

class WatchScreen extends FullScreenApp {
  output = "";
  stamp = 0;

  constructor(
    private readonly header: (columns: number) => string | undefined,
    private readonly onQuit: () => void,
    private readonly wrap: boolean,
  ) {
    super();
  }

  /** Keys do not redraw: only ^C, which ends watch. */
  input(data: string): void {
    for (const k of splitKeys(data)) if (k.kind === "ctrl" && k.code === 3) this.onQuit();
  }

  close(): void {
    this.screen?.close();
  }

  /** Also after each run of the command (the screen is not there until watch has started). */
  override draw(): void {
    const s: Screen | undefined = this.screen;
    if (s === undefined) return;
    const head = this.header(s.columns);
    const first = head === undefined ? 1 : 3;
    const lines = linesOf(this.output.replace(/\x1b\[[0-9;]*m/g, ""));
    const shown = this.wrap ? lines : lines.map((l) => l.slice(0, s.columns));
    const band = drawBand(shown, 0, first, Math.max(1, s.rows - first + 1), s.columns, "");
    const top = head === undefined ? "" : `\x1b[1;1H${head}\x1b[K\x1b[2;1H\x1b[K`;
    s.write(`\x1b[?25l${top}${band.out}\x1b[${s.rows};${s.columns}H`);
  }
}

const watch: Builtin = async (c) => {
  let interval = 2;
  let title = true;
  let wrap = true;
  let i = 1;
  for (; i < c.argv.length; i++) {
    const a = c.argv[i] ?? "";
    if (!a.startsWith("-") || a === "-") break;
    if (a === "--") {
      i++;
      break;
    }
    let value: string | undefined;
    if (a === "-n" || a === "--interval") value = c.argv[++i];
    else if (a.startsWith("--interval=")) value = a.slice(11);
    else if (/^-n.+/.test(a)) value = a.slice(2);
    else if (a === "-t" || a === "--no-title") title = false;
    else if (a === "-w" || a === "--no-wrap") wrap = false;
    else if (/^-[bcdegpx]+$/.test(a) || /^--(beep|color|differences.*|errexit|chgexit|precise|exec)$/.test(a))
      continue;
    else if (a === "-h" || a === "--help") {
      c.out(WATCH_USAGE);
      return 0;
    } else if (a === "-v" || a === "--version") {
      c.out("watch from procps-ng 4.0.2\n");
      return 0;
    } else {
      const opt = a.startsWith("--") ? a : a.slice(0, 2);
      c.err(
        a.startsWith("--")
          ? `watch: unrecognized option '${opt}'\n${WATCH_USAGE}`
          : `watch: invalid option -- '${opt.slice(1)}'\n${WATCH_USAGE}`,
      );
      return 1;
    }
    if (value !== undefined) {
      const n = Number(value.replace(",", "."));
      if (value === "" || !Number.isFinite(n)) {
        c.err(`watch: failed to parse argument: '${value}'\n`);
        return 1;
      }
      interval = Math.max(0.1, n);
    }
  }
  const command = c.argv.slice(i).join(" ");
  if (command === "") {
    c.err(WATCH_USAGE);
    return 1;
  }
  const fullScreen = c.programIO(c.argv).fullScreen;
  if (fullScreen === undefined) {
    c.err("Error opening terminal: unknown.\n");
    return 1;
  }
  const stop = new InterruptSource(c.interrupt);
  const clock = c.shell.opts.clock;
  const host = c.shell.opts.host;
  const app: WatchScreen = new WatchScreen(
    (columns): string | undefined =>
      title ? watchTitle(columns, interval, command, `${host}: ${ctime(app.stamp)}`) : undefined,
    () => stop.fire("user"),
    wrap,
  );
  const shown = fullScreen(app);
  while (!stop.interrupted) {
    let out = "";
    const sink = (s: string): void => {
      if (out.length < 64 * 1024) out += s;
    };
    app.stamp = clock.now();
    const child = new InterruptSource(stop);
    try {
      // watch hands the command to `sh -c`, a new process each time
      await c.shell.runChildShell(
        command,
        { argv0: "sh", args: [], name: { dash: true, from: "command" } },
        { stdin: "", out: sink, err: sink, outIsTerminal: false },
        {
          ...c.ctx,
          interrupt: child,
          commands: [],
        },
      );
    } catch {
      // an interrupted or failed command leaves what it printed on the screen
    }
    if (stop.interrupted) break;
    app.output = out;
    app.draw();
    await sleepFor(c.shell.opts.scheduler, interval * 1000, stop);
  }
  app.close();
  await shown;
  // watch ends on SIGINT with EXIT_SUCCESS (procps-ng's die handler)
  return c.interrupt.interrupted ? 130 : 0;
};

export const SCREEN_PROGRAMS: Record<string, Builtin> = {
  vi,
  vim: vi,
  nano,
  less: pager(false),
  more: pager(true),
  watch,
};
