import { describe, expect, it } from "vitest";
import { cpuClock } from "../../test/cpu-clock";
import { kubectl } from "../kubectl";
import { offlineWorkstation, runLine } from "./harness";

const MiB = 1024 * 1024;

/** Each line must stop by itself, quickly, without a large allocation, and leave the shell usable. */
const HOSTILE: [string, string, RegExp][] = [
  ["a huge printf width", "printf '%400000000d' 1 | wc -c", /output limit reached/],
  ["printf widths repeated over arguments", "printf '%1000000s' a b c d e | wc -c", /output limit reached/],
  ["awk printf width", `awk 'BEGIN{printf "%400000000s", "x"}'`, /field width 400000000 is too large/],
  [
    "a word built from a 1 MiB variable 20 times",
    "Y=$X$X$X$X$X$X$X$X$X$X$X$X$X$X$X$X$X$X$X$X",
    /expansion over 1024 KiB in one word/,
  ],
  [
    "40 MiB of quoted expansions on one line",
    `echo ${'"$X" '.repeat(40)}| wc -c`,
    /expansions over 16 MiB on one line/,
  ],
  [
    "the same expansions in a loop",
    `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do : "$X"; done`,
    /expansions over 16 MiB/,
  ],
  [
    "$(…) in an endless loop",
    "i=0; while true; do Z=$(echo $i); i=$((i+1)); done",
    /more than 10000 commands/,
  ],
  [
    "$(…) nested 20 deep",
    `echo ${"$(echo ".repeat(20)}x${")".repeat(20)}`,
    /nesting too deep|nested too deeply/,
  ],
  [
    "a yes-like loop",
    "while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done",
    /more than 10000 commands|output limit/,
  ],
  ["arithmetic in an endless loop", "x=0; while true; do x=$((x+1)); done", /more than 10000 commands/],
  [
    "diff of two long files that share nothing",
    "seq 20000 > a; seq 2 20001 > b; diff a b",
    /differ in too many lines to compare here/,
  ],
  ["a sed branch loop", "echo a | sed ':a;ba'", /sed: more than 2000000 commands run/],
  ["sed doubling its hold space", "printf '%100000d' 0 | sed ':a;H;x;G;ba'", /pattern space over 1024 KiB/],
  // found by the 100,000-line hostile run: `grep $X …` after X doubled to 1 MiB held 40 s
  ["grep with a 1 MiB pattern (RE2 compiles it: 7–10 s)", 'grep "$X" pods', /more than 10000 commands/],
  ["grep -F with a 1 MiB pattern", 'grep -F "$X" pods', /more than 10000 commands/],
  [
    "grep with 4000 classes over 100 KB (RE2's NFA: text × program, 0.6 s; 11 s at 64 KiB)",
    `P=$(printf '%4000s' | tr ' ' '.'); printf '%100000d\\n' 1 | grep -c "$P"`,
    /more than 10000 commands/,
  ],
  // the hostile run's other slow line (36–74 s): a glob of a 1 MiB word over a directory
  [
    "a glob of a 1 MiB word over 300 files",
    'for i in $(seq 300); do : > f$i; done; echo "$X"-c*tr*k | wc -c',
    /pipe buffer limit reached|output limit/,
  ],
  // every other pattern a student types charges the same budget (ADR 0036); before, each ran
  // unbounded: the seconds are the unbounded run on the shared machine
  ["awk with a 1 MiB pattern (3.8 s)", 'echo a | awk "/$X/"', /more than 10000 commands/],
  ["a sed address of 1 MiB (6.9 s)", 'echo a | sed -n "/$X/p"', /more than 10000 commands/],
  ["sed s/// with a 1 MiB pattern (12.9 s)", 'echo a | sed "s/$X/b/"', /more than 10000 commands/],
  ["[[ =~ ]] with a 1 MiB pattern (6.8 s)", "[[ a =~ $X ]]", /more than 10000 commands/],
  ["expr : with a 1 MiB pattern (12.7 s)", 'expr a : "$X"', /more than 10000 commands/],
  [
    "jq test with a 1 MiB pattern (5.8 s)",
    `echo '"a"' | jq --arg p "$X" 'test($p)'`,
    /more than 10000 commands/,
  ],
  [
    "a JSONPath =~ filter of 512 KiB (2.4 s)",
    `kubectl create deployment web --image=nginx --dry-run=client -o jsonpath="{.spec.template.spec.containers[?(@.name=~\\"\${X:0:524280}\\")].image}"`,
    /more than 10000 commands/,
  ],
  // a search that rescans the rest of the line before settling (a*b|a): one search per match
  [
    "sed s/a*b|a/x/g over 40 KB of a (over 40 s)",
    `A=$(printf '%40000s' | tr ' ' a); echo $A | sed -E 's/a*b|a/x/g' | wc -c`,
    /more than 10000 commands/,
  ],
  [
    "grep -oE 'a*b|a' over 40 KB of a (over 40 s)",
    `A=$(printf '%40000s' | tr ' ' a); echo $A | grep -oE 'a*b|a' | wc -l`,
    /more than 10000 commands/,
  ],
  [
    "awk gsub(/a*b|a/) over 40 KB of a (over 40 s)",
    `A=$(printf '%40000s' | tr ' ' a); echo $A | awk '{ gsub(/a*b|a/, "x"); print length($0) }'`,
    /more than 10000 commands/,
  ],
  // shell patterns: case, [[ == ]], ${v//p/r}, ${v%p} walk a set of states, charged per state
  [
    "case with *a…ab (10,000 a) over 100 KB of a (8.2 s)",
    `V=$(printf '%100000s' | tr ' ' a); Q="*$(printf '%10000s' | tr ' ' a)b"; case $V in $Q) echo y;; esac`,
    /more than 10000 commands/,
  ],
  [
    "V//P/x (a replacement) with 5,000 stars over 100 KB (over 40 s)",
    `V=$(printf '%100000s' | tr ' ' a); P="$(printf '%5000s' | tr ' ' '*')b"; : "\${V//$P/x}"`,
    /more than 10000 commands/,
  ],
];

describe("every line has an enforced budget of simulated work", () => {
  it.each(HOSTILE)("%s stops by itself, fast and small", async (_name, line, why) => {
    const { sh } = offlineWorkstation({ kubectl });
    await runLine(sh, `X=$(printf '%${MiB - 8}d' 0)`);
    const heap0 = process.memoryUsage().heapUsed;
    const cpu = cpuClock();
    const r = await runLine(sh, line);
    const ms = cpu();
    const heapMB = (process.memoryUsage().heapUsed - heap0) / MiB;
    console.log(
      `${line.slice(0, 50)}: ${ms.toFixed(0)} ms of CPU, heap ${heapMB.toFixed(0)} MiB (goal < 2000 ms, < 64 MiB)`,
    );
    expect(r.err).toMatch(why);
    expect(ms).toBeLessThan(2000);
    expect(heapMB).toBeLessThan(64);
    expect((await runLine(sh, "echo still-here")).out).toBe("still-here\n");
  });
});

describe("command names that are Object.prototype members (found by the hostile-input suite)", () => {
  it.each(["valueOf", "constructor", "__proto__", "toString", "hasOwnProperty"])(
    "%s is not found",
    async (name) => {
      const { sh } = offlineWorkstation();
      const r = await runLine(sh, `${name} x`);
      expect(r.err).toBe(`bash: ${name}: command not found\n`);
      expect(r.exitCode).toBe(127);
      expect((await runLine(sh, `env ${name}`)).err).toBe(
        `env: \u2018${name}\u2019: No such file or directory\n`,
      );
    },
  );
});

describe("shell patterns and searches along a line stay linear (ADR 0036)", () => {
  const LINEAR: [string, string, string][] = [
    // each `[` scanned the rest of the pattern for its `]` (and hasGlob did too): over 40 s
    [
      "100,000 unclosed [ in a case pattern and a glob",
      `U=$(printf '%100000s' | tr ' ' '['); case x in $U) echo y;; esac; echo $U | wc -c`,
      "100001\n",
    ],
    // every start × every end × a copy of the slice: over 40 s at 20,000 characters
    [
      "a replacement of every space (v// /x) over 20,000 characters",
      `v=$(printf '%20000s'); r=\${v// /x}; echo \${#r} \${r:0:3}`,
      "20000 xxx\n",
    ],
    [
      "trimming (v%%… and v##…) over 100,000 characters",
      `V=$(printf '%100000s' | tr ' ' a); echo \${#V} "\${V%%a*}" "\${V##*a}"`,
      "100000  \n",
    ],
    // a pattern that settles where its match ends pays each search's overlap, not the rest of the line
    ["sed s/a/b/g along 100,000 a", `printf '%100000s' | tr ' ' a | sed 's/a/b/g' | tr -d b | wc -c`, "0\n"],
    ["grep -o a along 100,000 a", `printf '%100000s' | tr ' ' a | grep -o a | wc -l`, "100000\n"],
  ];
  it.each(LINEAR)("%s: answered, fast", async (_name, line, out) => {
    const { sh } = offlineWorkstation();
    const cpu = cpuClock();
    const r = await runLine(sh, line);
    const ms = cpu();
    console.log(`${line.slice(0, 50)}: ${ms.toFixed(0)} ms of CPU (goal < 2000 ms)`);
    expect(r.err).toBe("");
    expect(r.out).toBe(out);
    expect(ms).toBeLessThan(2000);
  });
});
