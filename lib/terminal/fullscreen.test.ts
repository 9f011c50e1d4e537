/**
 * Full-screen programs through the terminal as a learner meets them: vi, nano, less and watch
 * draw on the alternate screen of a real xterm (headless), take raw keys, and give the prompt
 * back. The screen's text is read from the emulator, not from the bytes.
 */
import xtermHeadless from "@xterm/headless";
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { ManualScheduler, settle } from "../shell/manual-time";
import { watchTitle } from "../shell/watch-title";
import { createTerminal } from "./terminal";
import { clusterWorkstation } from "./wiring";

const { Terminal: XTerm } = xtermHeadless as unknown as typeof import("@xterm/headless");

function session(cols = 80, rows = 24) {
  const scheduler = new ManualScheduler();
  const cluster = Cluster.create({ scenario: "explore-app", seed: 7, clock: scheduler.clock });
  const ws = clusterWorkstation(cluster, { clock: scheduler.clock, scheduler });
  const xterm = new XTerm({ cols, rows, allowProposedApi: true });
  let pending = Promise.resolve();
  const term = createTerminal({
    shell: ws.openShell("1"),
    clock: scheduler.clock,
    scheduler,
    columns: cols,
    rows,
    onOutput: (d) => {
      pending = pending.then(() => new Promise<void>((r) => xterm.write(d, r)));
    },
  });
  const screen = async (): Promise<string> => {
    await settle();
    await pending;
    const buf = xterm.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) lines.push(buf.getLine(buf.viewportY + i)?.translateToString(true) ?? "");
    return lines.join("\n");
  };
  const type = async (s: string): Promise<void> => {
    term.input(s);
    await settle();
  };
  return {
    scheduler,
    ws,
    term,
    xterm,
    screen,
    type,
    cluster,
    /** The screen's rows. */
    rows: async (): Promise<string[]> => (await screen()).split("\n"),
    /** One row of the screen. */
    row: async (i: number): Promise<string | undefined> => (await screen()).split("\n")[i],
    /** A file in the student's home directory. */
    file: (name: string, text: string): void => {
      ws.files.write(`/home/student/${name}`, text, false);
    },
    /** Types `keys` and waits until the screen shows what they did. */
    show: async (keys: string): Promise<string> => {
      await type(keys);
      return screen();
    },
    /** Types `keys` and reads the screen's rows once they have been drawn. */
    rowsAfter: async (keys: string): Promise<string[]> => {
      await type(keys);
      return (await screen()).split("\n");
    },
    /** Types `keys` and reads the bottom row, where vi says what they did. */
    says: async (keys: string): Promise<string | undefined> => {
      await type(keys);
      return (await screen()).split("\n")[rows - 1];
    },
    /** Types `keys` that end the program: the prompt is back. */
    leaves: async (keys: string): Promise<void> => {
      await type(keys);
      await screen();
      expect(term.busy).toBe(false);
    },
  };
}

/** A session with `name` (holding `text`) in the home directory, open in vi. */
async function inVi(name: string, text: string) {
  const s = session();
  s.file(name, text);
  await s.show(`vi ${name}\r`);
  return s;
}

describe("vi", () => {
  it("writes a new file with i, Esc and :wq, saying what it wrote", async () => {
    const s = session();
    await s.type("vi deploy.yaml\r");
    let screen = await s.screen();
    expect(s.xterm.buffer.active.type).toBe("alternate");
    expect(screen.split("\n")[1]).toBe("~");
    expect(screen.split("\n")[23]).toBe('"deploy.yaml" [New]');
    await s.type("iapiVersion: v1\rkind: Pod\x1b");
    screen = await s.screen();
    expect(screen.split("\n").slice(0, 2)).toEqual(["apiVersion: v1", "kind: Pod"]);
    await s.type(":q\r");
    screen = await s.screen();
    expect(screen.split("\n")[23]).toBe("E37: No write since last change (add ! to override)");
    expect(await s.says(":w\r")).toBe('"deploy.yaml" [New] 2L, 25B written');
    await s.show(":q\r");
    expect(s.xterm.buffer.active.type).toBe("normal");
    expect(s.ws.files.read("/home/student/deploy.yaml")).toBe("apiVersion: v1\nkind: Pod\n");
    expect(s.term.busy).toBe(false);
  });

  it("edits an existing file with x, dd, o and :wq; :q! drops changes", async () => {
    const s = session();
    s.file("a.txt", "one\ntwo\nthree\n");
    expect(await s.says("vim a.txt\r")).toBe('"a.txt" 3L, 14B');
    await s.show("xjddofour\x1b:wq\r");
    expect(s.ws.files.read("/home/student/a.txt")).toBe("ne\nthree\nfour\n");
    await s.show("vi a.txt\rdd:q!\r");
    expect(s.ws.files.read("/home/student/a.txt")).toBe("ne\nthree\nfour\n");
    expect(s.term.busy).toBe(false);
  });

  it("names unknown ex commands and asks for :qa! on Ctrl-C", async () => {
    const s = session();
    expect(await s.says("vi\r:foo\r")).toBe("E492: Not an editor command: foo");
    expect(await s.says("\x03")).toBe("Type  :qa!  and press <Enter> to abandon all changes and exit Vim");
    expect(await s.says("ihello\x1b:w\r")).toBe("E32: No file name");
    await s.leaves(":q!\r");
  });

  it("searches with / and n, wrapping at the end, and names a missing pattern", async () => {
    const s = await inVi("s.txt", "alpha\nbeta\nalpha two\n");
    await s.type("/alpha\r");
    await s.type("x");
    expect(await s.says("n")).toBe("search hit BOTTOM, continuing at TOP");
    await s.show("x:wq\r");
    expect(s.ws.files.read("/home/student/s.txt")).toBe("lpha\nbeta\nlpha two\n");
    await s.show("vi s.txt\r");
    expect(await s.says("/nope\r")).toBe("E486: Pattern not found: nope");
    await s.leaves(":q\r");
  });

  it("numbers the lines with :set nu and stops with :set nonu", async () => {
    const s = await inVi("n.txt", "one\ntwo\n");
    await s.type(":set nu\r");
    expect((await s.rows()).slice(0, 3)).toEqual(["  1 one", "  2 two", "~"]);
    await s.type(":set nonu\r");
    expect((await s.rows()).slice(0, 2)).toEqual(["one", "two"]);
    await s.leaves(":q\r");
  });

  it("says it is not on a terminal when piped", async () => {
    const s = session();
    await s.type("vi x | cat\r");
    expect(await s.screen()).toContain("Vim: Warning: Output is not to a terminal");
  });
});

describe("resize", () => {
  it("redraws a full-screen program at the new size", async () => {
    const s = session(80, 24);
    expect(await s.says("vi r.txt\r")).toBe('"r.txt" [New]');
    s.xterm.resize(60, 12);
    s.term.resize(60, 12);
    const rows = await s.rowsAfter("ihello\x1b");
    expect(rows[0]).toBe("hello");
    expect(rows[1]).toBe("~");
    await s.leaves(":q!\r");
  });
});

describe("nano", () => {
  it("types, writes out with ^O and exits with ^X", async () => {
    const s = session();
    let rows = await s.rowsAfter("nano notes.txt\r");
    expect(rows[0]).toMatch(/^ {2}GNU nano 7\.2 +notes\.txt/);
    expect(rows[21]?.trim()).toBe("[ New File ]");
    expect(rows[22]).toMatch(/^\^G Help +\^O Write Out/);
    expect(rows[23]).toMatch(/^\^X Exit +\^R Read File/);
    rows = await s.rowsAfter("hello\rworld");
    expect(rows[0]).toMatch(/Modified\s*$/);
    await s.type("\x0f");
    expect(await s.row(21)).toMatch(/^File Name to Write: notes\.txt/);
    await s.type("\r");
    expect((await s.row(21))?.trim()).toBe("[ Wrote 2 lines ]");
    await s.leaves("\x18");
    expect(s.ws.files.read("/home/student/notes.txt")).toBe("hello\nworld\n");
  });

  it("asks to save a modified buffer on ^X; N leaves it unsaved", async () => {
    const s = session();
    await s.type("nano n.txt\rabc\x18");
    expect(await s.row(21)).toMatch(/^Save modified buffer\?/);
    await s.leaves("n");
    expect(s.ws.files.exists("/home/student/n.txt")).toBe(false);
  });
});

describe("less", () => {
  it("pages a file and quits with q", async () => {
    const s = session(80, 10);
    const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n");
    s.file("long.txt", `${text}\n`);
    let rows = await s.rowsAfter("less long.txt\r");
    expect(rows[0]).toBe("line 1");
    expect(rows[9]).toBe("long.txt");
    rows = await s.rowsAfter(" ");
    expect(rows[0]).toBe("line 10");
    expect(rows[9]).toBe(":");
    rows = await s.rowsAfter("G");
    expect(rows[8]).toBe("line 30");
    expect(rows[9]).toBe("(END)");
    await s.leaves("q");
    expect(s.xterm.buffer.active.type).toBe("normal");
  });

  it("reads a pipe and reports a missing file", async () => {
    const s = session();
    await s.type("less nope.txt\r");
    expect(await s.screen()).toContain("nope.txt: No such file or directory");
    await s.type("kubectl get pods | less\r");
    expect(await s.row(0)).toMatch(/^NAME +READY +STATUS/);
    await s.leaves("q");
  });
});

describe("watch", () => {
  it("reruns the command every 2 s of simulated time and ends on Ctrl-C", async () => {
    const s = session(100, 24);
    let rows = await s.rowsAfter("watch kubectl get pods\r");
    expect(rows[0]).toMatch(/^Every 2\.0s: kubectl get pods +minikube: Mon Nov 30 03:00:00 2026$/);
    expect(rows[1]).toBe("");
    expect(rows[2]).toMatch(/^NAME +READY +STATUS/);
    await s.scheduler.advance(2000);
    rows = await s.rows();
    expect(rows[0]).toMatch(/03:00:02 2026$/);
    await s.show("\x03");
    expect(s.xterm.buffer.active.type).toBe("normal");
    expect(s.term.busy).toBe(false);
  });

  it("clips its title line to a narrow window as procps-ng 4.0.2's watch does", async () => {
    // what the real watch showed at each width (hostname "vm", the same clock reading)
    const time = "vm: Thu Dec  3 08:01:18 2026";
    const real: [number, string][] = [
      [28, ""],
      [30, `  ${time}`],
      [40, `            ${time}`],
      [42, `Every 1.0s:   ${time}`],
      [43, `Every 1.0s...  ${time}`],
      [44, `Every 1.0s:...  ${time}`],
      [45, `Every 1.0s: ...  ${time}`],
      [46, `Every 1.0s: k...  ${time}`],
      [49, `Every 1.0s: kube...  ${time}`],
      [60, `Every 1.0s: kubectl get pods    ${time}`],
    ];
    for (const [width, line] of real)
      expect([width, watchTitle(width, 1, "kubectl get pods", time)]).toEqual([width, line]);
    // and on a phone-sized terminal the title keeps the time, not a cut "Every …"
    const s = session(44, 24);
    const rows = await s.rowsAfter("watch kubectl get pods\r");
    expect(rows[0]).toMatch(/^ {10}minikube: Mon Nov 30 03:00:00 2026$/);
    await s.leaves("\x03");
  });

  it("takes -n and rejects a bad interval in procps' words", async () => {
    const s = session();
    await s.type("watch -n x date\r");
    expect(await s.screen()).toContain("watch: failed to parse argument: 'x'");
    await s.type("watch -n 5 date\r");
    expect(await s.row(0)).toMatch(/^Every 5\.0s: date/);
    await s.leaves("\x03");
  });
});

describe("kubectl edit", () => {
  it("opens the object in vi and patches what was changed", async () => {
    const s = session();
    const rows = await s.rowsAfter("kubectl edit deploy/kubernetes-bootcamp\r");
    expect(rows[0]).toBe("# Please edit the object below. Lines beginning with a '#' will be ignored,");
    const tmp = s.ws.files.list("/tmp");
    const file = Array.isArray(tmp) ? tmp.find((n) => n.startsWith("kubectl-edit-")) : undefined;
    const text = s.ws.files.read(`/tmp/${file}`);
    const row = typeof text === "string" ? text.split("\n").indexOf("  replicas: 1") : -1;
    expect(row).toBeGreaterThan(0);
    await s.type(`:${row + 1}\r`);
    await s.type("$xa3\x1b:wq\r");
    const screen = await s.screen();
    expect(screen).toContain("deployment.apps/kubernetes-bootcamp edited");
    const dep = JSON.parse(
      s.cluster.handle({
        method: "GET",
        path: "/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp",
        headers: {},
      }).body,
    );
    expect(dep.spec.replicas).toBe(3);
  });

  it("cancels when the file is saved unchanged (KUBE_EDITOR honoured)", async () => {
    const s = session();
    await s.type("KUBE_EDITOR=nano kubectl edit deploy kubernetes-bootcamp\r");
    expect(await s.row(0)).toMatch(/GNU nano 7\.2 +\/tmp\/kubectl-edit-\d+\.yaml/);
    await s.type("\x18");
    expect(await s.screen()).toContain("Edit cancelled, no changes made.");
  });
});
