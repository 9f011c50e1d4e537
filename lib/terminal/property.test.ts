import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualScheduler, settle } from "../shell/manual-time";
import type { Machine } from "../shell/types";
import { createWorkstation } from "../shell/workstation";
import { createTerminal } from "./terminal";

const machine: Machine = {
  api: () => ({ status: 404, headers: {}, body: "" }),
  net: () => ({ kind: "refused" }),
  listen: () => false,
  unlisten: () => {},
};

const KEYS = [
  "a",
  "b",
  " ",
  "é",
  "日本",
  "\r",
  "\x7f",
  "\x1b[D",
  "\x1b[C",
  "\x1b[A",
  "\x1b[B",
  "\x1b[H",
  "\x1b[F",
  "\x1b[1~",
  "\x1b[4~",
  "\x1b[3~",
  "\x01",
  "\x05",
  "\x15",
  "\x0b",
  "\x17",
  "\x03",
  "\x04",
  "\x0c",
  "\t",
  "\x1b",
  "\x1b[",
  "\x1b[200~",
  "\x1b[201~",
  "echo x",
  "sleep 1",
  "'",
  '"',
  "$(",
  "exit",
  "kill %1",
  "&",
];

describe("terminal input", () => {
  it("random keystrokes never throw and the terminal keeps answering", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), { maxLength: 60 }),
        fc.integer({ min: 10, max: 120 }),
        async (keys, columns) => {
          const scheduler = new ManualScheduler();
          const ws = createWorkstation({ machine, clock: scheduler.clock, scheduler, programs: {} });
          let screen = "";
          const term = createTerminal({
            shell: ws.openShell("1"),
            clock: scheduler.clock,
            scheduler,
            columns,
            tty: true,
            onOutput: (d) => {
              screen += d;
            },
          });
          for (const k of keys) {
            term.input(k);
            await settle(5);
          }
          await scheduler.advance(5000);
          term.input("\x03\x15echo alive-check\r");
          await scheduler.advance(5000);
          expect(screen).toContain("alive-check\r\n");
          term.dispose();
          ws.dispose();
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });
});
