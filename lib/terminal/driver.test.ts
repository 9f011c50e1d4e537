import { describe, expect, it } from "vitest";
import { offlineWorkstation } from "../shell/harness";
import type { JournalEntry } from "../shell/types";
import { TerminalDriver } from "./driver";

function setup(input: "keyboard" | "script", lineTimeoutMs = 10_000) {
  const { ws, scheduler } = offlineWorkstation();
  const journal: JournalEntry[] = [];
  const outs = new Map<string, string>();
  const driver = new TerminalDriver({
    openShell: (tab) => ws.openShell(tab),
    clock: scheduler.clock,
    scheduler,
    input,
    tty: input === "keyboard",
    onOutput: (tab, s) => outs.set(tab, (outs.get(tab) ?? "") + s),
    onJournal: (e) => journal.push(e),
    virtualTime: scheduler,
    lineTimeoutMs,
  });
  return { driver, journal, scheduler, out: (tab = "1") => outs.get(tab) ?? "" };
}

describe("TerminalDriver", () => {
  it("journals a line alike whether a student types it or a script pipes it", async () => {
    const entries: JournalEntry[][] = [];
    const screens: string[] = [];
    for (const mode of ["keyboard", "script"] as const) {
      const t = setup(mode);
      expect(await t.driver.type("2", "echo hi | tr a-z A-Z")).toBe("done");
      entries.push(t.journal.map((e) => ({ ...e, at: 0 })));
      screens.push(t.out("2"));
      t.driver.dispose();
    }
    expect(entries[0]).toEqual(entries[1]);
    expect(entries[0]).toEqual([
      {
        tab: "2",
        line: "echo hi | tr a-z A-Z",
        commands: [
          ["echo", "hi"],
          ["tr", "a-z", "A-Z"],
        ],
        // each command's own output (what checks attribute), and what the screen showed
        outputs: ["hi\n", "HI\n"],
        exitCode: 0,
        output: "HI\n",
        at: 0,
      },
    ]);
    // a tty echoes the line after a prompt and ends lines with CRLF; a pipe shows only output
    expect(screens[0]).toContain("echo hi | tr a-z A-Z\r\nHI\r\n");
    expect(screens[1]).toBe("HI\n");
  });

  it("interrupts a line that outlives its timeout, as Ctrl-C would (no ^C echo on a pipe)", async () => {
    const t = setup("script", 10_000);
    const start = t.scheduler.clock.now();
    expect(await t.driver.type("1", "sleep 100; echo after")).toBe("done");
    expect(t.scheduler.clock.now() - start).toBe(10_000);
    expect(t.journal.map((e) => [e.line, e.exitCode])).toEqual([["sleep 100; echo after", 130]]);
    expect(t.out()).toBe("");
  });

  it("leaves a line running when told, and Ctrl-Cs it before the tab's next line", async () => {
    const t = setup("keyboard", 10_000);
    expect(await t.driver.type("1", "sleep 1000", { leaveRunning: async () => true })).toBe("left-running");
    expect(t.driver.terminal("1")?.busy).toBe(true);
    expect(t.journal).toEqual([]);
    expect(await t.driver.type("2", "echo other tab")).toBe("done");
    expect(t.driver.terminal("1")?.busy).toBe(true);
    expect(await t.driver.type("1", "echo next")).toBe("done");
    expect(t.journal.map((e) => [e.tab, e.line, e.exitCode])).toEqual([
      ["2", "echo other tab", 0],
      ["1", "sleep 1000", 130],
      ["1", "echo next", 0],
    ]);
    expect(t.out("1")).toMatch(/\$ sleep 1000\r\n\^C\r?\n?.*\$ echo next\r\nnext\r\n/);
  });

  it("without leave to run, a line that nothing moves on is Ctrl-C'd at its timeout", async () => {
    const t = setup("keyboard", 5_000);
    expect(await t.driver.type("1", "sleep 1000", { leaveRunning: async () => false })).toBe("done");
    expect(t.journal.map((e) => e.exitCode)).toEqual([130]);
  });
});
