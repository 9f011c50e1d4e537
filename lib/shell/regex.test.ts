import { describe, expect, it } from "vitest";
import { cpuClock } from "../../test/cpu-clock";
import { offlineWorkstation, replaySession, runLine } from "./harness";
import { compilePosix, posixToRe2, RegexSyntaxError } from "./regex";

/** Catastrophic for a backtracking engine: 2^n paths on a run of n x's with no y. */
const EVIL = "(x+x+)+y";
const EVIL_BRE = "\\(x*x*\\)*y";

describe("POSIX BRE/ERE → RE2 translation", () => {
  it.each([
    ["*a", false, "\\*a"],
    ["*a", true, "a"],
    ["a)", true, "a\\)"],
    ["a{", true, "a\\{"],
    ["\\(*a\\)", false, "(?:\\*a)"],
    ["a\\|b", false, "a|b"],
    ["a\\+", false, "a+"],
    ["a+", false, "a\\+"],
    ["^*", false, "^\\*"],
    ["a^b", false, "a\\^b"],
    ["a$b", false, "a\\$b"],
    ["\\<ab\\>", false, "\\bab\\b"],
    ["[]a]", false, "[\\]a]"],
    ["[\\]", false, "[\\\\]"],
    ["a+?", true, "(?:a+)?"],
    ["a**", true, "(?:a*)*"],
    ["x{,2}", true, "x{0,2}"],
    ["x\\{2\\}", false, "x{2}"],
    ["[[:digit:]]+", true, "[[:digit:]]+"],
    ["\\(^a\\)", false, "(?:^a)"],
  ])("%s (%s) → %s", (p, ere, want) => {
    expect(posixToRe2(p, { extended: ere })).toBe(want);
  });

  /** Each of grep's refusals (its words, as GNU regcomp has them) and a pattern that meets it, ERE or BRE. */
  const REFUSALS: Record<string, { ere: string } | { bre: string }> = {
    "Unmatched ( or \\(": { ere: "(a" },
    "Unmatched ) or \\)": { bre: "a\\)" },
    "Invalid content of \\{\\}": { ere: "a{2,1}" },
    "Unmatched \\{": { bre: "a\\{1" },
    "Unmatched [, [^, [:, [., or [=": { bre: "[a" },
    "character class syntax is [[:space:]], not [:space:]": { ere: "[:alpha:]" },
    "Invalid character class name": { ere: "[[:foo:]]" },
    "Invalid range end": { bre: "[z-a]" },
    "Trailing backslash": { bre: "a\\" },
    "Invalid back reference": { ere: "\\1" },
    "Regular expression too big": { ere: "a{99999}" },
  };
  it.each(Object.entries(REFUSALS))("grep refuses with its own words: %s (%j)", (words, pattern) => {
    const p = "ere" in pattern ? pattern.ere : pattern.bre;
    expect(() => compilePosix(p, { extended: "ere" in pattern })).toThrow(new RegexSyntaxError(words));
  });

  it("matches like POSIX: bracket literals, classes, intervals, case folding", () => {
    const m = (p: string, s: string, o: { extended: boolean; icase?: boolean }) => compilePosix(p, o).test(s);
    expect(m("[]x]", "]", { extended: false })).toBe(true);
    expect(m("a.c", "a+c", { extended: false })).toBe(true);
    expect(m("a\\{2\\}", "aa", { extended: false })).toBe(true);
    expect(m("a\\{2\\}", "ab", { extended: false })).toBe(false);
    expect(m("POD", "my-pod", { extended: false, icase: true })).toBe(true);
    expect(m("^[[:alpha:]]+-[0-9]+$", "web-12", { extended: true })).toBe(true);
    expect(m("a|b", "a|b", { extended: false })).toBe(true);
    expect(m("a|b", "b", { extended: false })).toBe(false);
  });
});

describe("student regexes run in linear time (no ReDoS)", () => {
  const victim = "x".repeat(50_000);

  it("grep -E with a catastrophic pattern answers at once", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, `echo ${victim} > f`);
    const cpu = cpuClock();
    const r = await runLine(sh, `grep -cE '${EVIL}' f; grep -c '${EVIL_BRE}' f; grep -vcE '^(x|x)*$' f`);
    const ms = cpu();
    console.log(
      `grep with catastrophic patterns over 50 k chars: ${ms.toFixed(1)} ms of CPU (goal < 1000 ms)`,
    );
    expect(r.out).toBe("0\n0\n0\n");
    expect(ms).toBeLessThan(1000);
  });

  it("awk /re/, ~, FS, match and gsub answer at once", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, `echo ${victim.slice(0, 30_000)} > f`);
    const cpu = cpuClock();
    const r = await runLine(
      sh,
      `awk '/${EVIL}/ {print "m"} $0 ~ "${EVIL}" {print "t"} {print match($0, /(x+x+)+y/), gsub(/(x|x)+y/, "z")}' f; awk -F '(x+x+)+y' '{print NF}' f`,
    );
    const ms = cpu();
    console.log(
      `awk with catastrophic patterns over 30 k chars: ${ms.toFixed(1)} ms of CPU (goal < 1000 ms)`,
    );
    expect(r.err).toBe("");
    expect(r.out).toBe("0 0\n1\n");
    expect(ms).toBeLessThan(1000);
  });
});

describe("grep and awk on the safe engine keep their behaviour", () => {
  it("grep -o, -w, -i, -c, -v and errors", async () => {
    const { sh } = offlineWorkstation();
    const session = String.raw`$ printf 'pod-a 1\nPOD-b 22\nsvc 333\n' > f
$ grep -oE '[0-9]+' f
1
22
333
$ grep -i pod f | wc -l
2
$ grep -w 22 f
POD-b 22
$ grep -w 2 f; echo "exit $?"
exit 1
$ grep -vc pod f
2
$ grep 'pod-\(a\|b\)' f
pod-a 1
$ grep -F 'a 1' f
pod-a 1
$ grep -E '(pod' f; echo "exit $?"
grep: Unmatched ( or \(
exit 2
`;
    expect(await replaySession(sh, session)).toBe(session);
  });

  it("awk match/sub/gsub set RSTART/RLENGTH and edit the record", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(
      sh,
      `echo 'kubernetes-bootcamp-9bc58d867-7qs4x Running' | awk '{ n = gsub(/-/, "_"); print n, $0; print match($1, /[0-9]+/), RSTART, RLENGTH; sub(/Run/, "[&]", $2); print $2 }'`,
    );
    expect(r.err).toBe("");
    expect(r.out).toBe("3 kubernetes_bootcamp_9bc58d867_7qs4x Running\n21 21 1\n[Run]ning\n");
  });
});
