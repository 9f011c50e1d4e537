import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SHELL_TOKENS, tokenLines } from "../../test/stress/shell-tokens";
import { InterruptSource } from "./interrupt";
import { ManualScheduler, settle } from "./manual-time";
import type { Machine, Program } from "./types";
import { createWorkstation } from "./workstation";

const machine: Machine = {
  api: () => ({ status: 404, headers: {}, body: "" }),
  net: (req) => (req.host === "10.0.0.9" ? { kind: "timeout" } : { kind: "refused" }),
  listen: () => false,
  unlisten: () => {},
};

const waiter: Program = async (io) => {
  io.stdout("waiting\n");
  await io.interrupt.promise;
  return 0;
};

/** The shared words, and what only this test needs: a host that times out, a pipe's plain tools. */
const TOKENS = [
  ...SHELL_TOKENS,
  "/etc/x",
  "0.5",
  "proxy",
  "10.0.0.9",
  "-n",
  "-d:",
  "-f1",
  "\n",
  "yes",
  "seq",
];

const tokens = tokenLines(TOKENS);
const line = fc.oneof(
  tokens.spaced,
  tokens.glued,
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 100 }),
);

/** Runs a line on virtual time: timers jump ahead; a line that only waits gets Ctrl-C. */
async function runBounded(lineText: string): Promise<{ exitCode: number; output: number }> {
  const scheduler = new ManualScheduler();
  const ws = createWorkstation({ machine, clock: scheduler.clock, scheduler, programs: { kubectl: waiter } });
  const sh = ws.openShell("1");
  const interrupt = new InterruptSource();
  let output = 0;
  let settled = false;
  const p = sh
    .run(lineText, {
      stdout: (s) => {
        output += s.length;
      },
      stderr: (s) => {
        output += s.length;
      },
      tty: false,
      columns: 80,
      interrupt,
    })
    .then((r) => {
      settled = true;
      return r;
    });
  for (let round = 0; round < 200 && !settled; round++) {
    await settle();
    if (settled) break;
    const at = scheduler.nextAt();
    if (at === undefined || round > 100) interrupt.fire("user");
    else await scheduler.advance(at - scheduler.clock.now());
  }
  await settle();
  expect(settled).toBe(true);
  const r = await p;
  ws.dispose();
  return { exitCode: r.exitCode, output };
}

describe("adversarial lines", () => {
  it("never throw, never hang, always yield an exit code, output stays bounded", async () => {
    await fc.assert(
      fc.asyncProperty(line, async (l) => {
        const r = await runBounded(l);
        expect(Number.isInteger(r.exitCode)).toBe(true);
        expect(r.exitCode).toBeGreaterThanOrEqual(0);
        expect(r.exitCode).toBeLessThanOrEqual(255);
        expect(r.output).toBeLessThanOrEqual(1024 * 1024 + 4096);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it("known nasty cases", async () => {
    for (const l of [
      "while true; do echo $(echo x); done",
      "x=$(x=$(x=$(x=$(x=$(echo)))))",
      "$(".repeat(40),
      "echo $" + "{X:-$" + "{X:-$" + "{X:-a}}}",
      "for i in 1 2 3; do kubectl proxy & done; jobs; kill %1 %2 %3",
      "echo $((1/0))",
      "echo $((2**62))",
      ": > f; while true; do cat f f >> f; done",
      "yes | head",
      "cat /dev/zero",
      "curl 10.0.0.9",
      "sleep 1 & sleep 1 & wait",
      "exit 300",
    ]) {
      const r = await runBounded(l);
      expect(Number.isInteger(r.exitCode)).toBe(true);
    }
  });
});
