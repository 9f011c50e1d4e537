/**
 * A step's output check cannot be met by printing the expected text: for every output check of
 * every lesson, the learner runs the command the check names in a way that does not produce
 * the answer (kubectl pointed at a dead server, curl writing its body to a file) and prints the
 * real answer beside it with `echo`, `printf`, `cat` of a file or a kubectl template. Each forged line does show the expected text on the terminal next to a command the
 * check names (so the old whole-line rule accepted it); none may meet the check. The real
 * solution still does (solutions.test.ts, and the control below).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { type ApiHandler, ManualClock } from "../cluster/types";
import type { JournalEntry } from "../shell/types";
import { clusterWorkstation } from "../terminal/wiring";
import { matchCommand, normalizeArgv } from "./argv";
import { type Check, evaluate, type OutputCheck } from "./checks";
import { loadCourse } from "./loader";
import { ManualScheduler, replayLesson } from "./replay";
import type { Lesson } from "./schema";

const course = loadCourse(fileURLToPath(new URL("../../courses/kubernetes-basics", import.meta.url)));

function outputChecks(checks: readonly Check[]): OutputCheck[] {
  return checks.flatMap((c) =>
    c.kind === "output" ? [c] : c.kind === "anyOf" ? outputChecks(c.checks) : [],
  );
}

async function replay(lesson: Pick<Lesson, "steps">, scenario: string) {
  const clock = new ManualClock(Date.UTC(2026, 10, 30, 3, 0, 0));
  const scheduler = new ManualScheduler(clock);
  const cluster = Cluster.create({ scenario, seed: 1, clock });
  const api: ApiHandler = (req) => cluster.handle(req);
  const podExisted = (ns: string, name: string) => cluster.podExisted(ns, name);
  const ws = clusterWorkstation(cluster, { clock, scheduler });
  const result = await replayLesson(lesson, {
    openShell: (tab) => ws.openShell(tab),
    api,
    podExisted,
    clock,
    scheduler,
  });
  ws.dispose();
  return { ...result, api, podExisted };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** A printf format that prints `text` as it is (newlines as `\n`, so the line stays one line). */
const printfFormat = (text: string) =>
  quote(`${text.replace(/\\/g, "\\\\").replace(/%/g, "%%").replace(/\n/g, "\\n")}\\n`);

/** The lines of `text` that hold the check's match (what a forger would copy). */
function matchedLines(text: string, pattern: string): string | undefined {
  const m = new RegExp(pattern, "m").exec(text);
  if (!m) return undefined;
  const start = text.lastIndexOf("\n", m.index) + 1;
  const endAt = text.indexOf("\n", m.index + m[0].length);
  return text.slice(start, endAt < 0 ? text.length : endAt);
}

/** The command as the check names it, run so that it cannot produce the answer itself. */
function broken(argv: readonly string[]): string {
  const args = [...argv];
  if (args[0] === "kubectl") {
    // a namespace that does not exist, and for lists a selector nothing carries
    const extra = [
      "-n",
      "nowhere",
      ...(["get", "describe"].includes(args[1] ?? "") ? ["-l", "forged=none"] : []),
    ];
    const dash = args.indexOf("--");
    args.splice(dash < 0 ? args.length : dash, 0, ...extra);
  } else if (args[0] === "curl") {
    args.splice(1, 0, "-s", "-o", "body.txt");
  }
  return args.map(quote).join(" ");
}

/** Ways to print `text` on the same line as the (harmless) command the check names. */
function forgeries(argv: readonly string[], text: string): string[][] {
  const cmd = broken(argv);
  const lines: string[][] = [
    [`${cmd}; printf ${printfFormat(text)}`],
    [`printf ${printfFormat(text)} > fake.txt`, `${cmd}; cat fake.txt`],
    [`${cmd}; printf '%s\\n' ${quote(text.replace(/\n/g, " "))} | cat`],
  ];
  if (!text.includes("\n")) lines.push([`${cmd}; echo ${quote(text)}`]);
  const real = argv.map(quote).join(" ");
  if (argv[0] === "kubectl" && argv[1] === "get") {
    const template = text
      .split("\n")
      .map((l) => l.replace(/{{/g, ""))
      .join('{{"\\n"}}');
    lines.push([`${real} -o go-template=${quote(`${template}{{"\\n"}}`)}`]);
  }
  return lines;
}

describe("output checks cannot be met by printing their answer", () => {
  for (const lesson of course.lessons) {
    const checks = lesson.steps.flatMap((s) => outputChecks(s.checks).map((c) => ({ step: s.id, check: c })));
    if (checks.length === 0) continue;
    it(`${lesson.slug}: ${checks.length} output checks resist echo, printf, cat and templates`, async () => {
      const real = await replay(lesson, lesson.scenario);
      // What the real commands printed, per check: the line a forger would copy.
      const forged: { step: string; check: OutputCheck; lines: string[]; text: string }[] = [];
      for (const { step, check } of checks) {
        const pattern = normalizeArgv(check.run ?? []);
        let sample: { argv: string[]; text: string } | undefined;
        for (const e of real.journal) {
          e.commands.forEach((argv, i) => {
            if (sample !== undefined) return;
            if (!matchCommand(pattern, normalizeArgv(argv), { isPod: () => true }, false)) return;
            const text = matchedLines(e.outputs?.[i] ?? "", check.pattern);
            if (text !== undefined) sample = { argv, text };
          });
        }
        if (sample === undefined) {
          // An alternative of an anyOf the solution does not take: the same answer, printed
          // beside the command the alternative names.
          const text = forged.find((f) => f.check.pattern === check.pattern)?.text;
          const argv = (check.run ?? []).filter((t) => t !== "...");
          expect(text, `${step}: the real solution shows /${check.pattern}/`).toBeDefined();
          expect(argv.join(" "), `${step}: a runnable command`).not.toMatch(/<(pod|any|\*)>/);
          if (text === undefined) continue;
          for (const lines of forgeries(argv, text)) forged.push({ step, check, lines, text });
          continue;
        }
        // control: the real line meets the check
        const realEntry = real.journal.find((e) => e.commands.some((a) => a === sample?.argv));
        expect(
          evaluate(
            { checks: [{ ...check, times: 1 }] },
            { journal: realEntry ? [realEntry] : [], api: real.api, podExisted: real.podExisted },
          ).done,
          `${step}: the real line meets its check`,
        ).toBe(true);
        const text = sample.text;
        for (const lines of forgeries(sample.argv, text)) forged.push({ step, check, lines, text });
      }

      // Replay the solution again, then every forgery, in a fresh cluster of the same scenario.
      const forgeLines = new Set(forged.map((f) => f.lines[f.lines.length - 1] ?? ""));
      const solution = forged.flatMap((f) => f.lines.map((line) => ({ tab: "1", line })));
      const attack = await replay(
        { steps: [...lesson.steps, { ...lesson.steps[0], id: "forge", checks: [], solution }] } as Pick<
          Lesson,
          "steps"
        >,
        lesson.scenario,
      );
      let attempts = 0;
      for (const { step, check, lines } of forged) {
        const last = lines[lines.length - 1] ?? "";
        const entry = attack.journal.find((e) => e.line === last && forgeLines.has(e.line));
        expect(entry, `${step}: forged line ran: ${last}`).toBeDefined();
        if (entry === undefined) continue;
        // The forgery is a real attempt: the terminal showed the answer on a line that ran a
        // command the check names (what the whole-line rule used to accept).
        const pattern = normalizeArgv(check.run ?? []);
        expect(new RegExp(check.pattern, "m").test(entry.output), `${step}: ${last}\n${entry.output}`).toBe(
          true,
        );
        expect(
          entry.commands.some((a) => matchCommand(pattern, normalizeArgv(a), { isPod: () => true }, false)),
        ).toBe(true);
        const met = evaluate(
          { checks: [{ ...check, times: 1 }] },
          { journal: [entry] as JournalEntry[], api: attack.api, podExisted: attack.podExisted },
        ).done;
        expect(met, `${step}: /${check.pattern}/ met by a forgery: ${last}\n${entry.output}`).toBe(false);
        attempts++;
      }
      expect(attempts).toBeGreaterThanOrEqual(checks.length * 3);
    });
  }
});
