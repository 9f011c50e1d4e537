import { describe, expect, it } from "vitest";
import { cpuClock } from "../../test/cpu-clock";
import { offlineWorkstation, runLine } from "./harness";

const run = async (line: string) => runLine(offlineWorkstation().sh, line);

/** Each answer is what jq 1.6 prints for the same line. */
describe("jq's regular-expression builtins (jq 1.6)", () => {
  it.each([
    [
      `echo '"foo bar FOO"' | jq -c '[match("foo";"gi")]'`,
      `[{"offset":0,"length":3,"string":"foo","captures":[]},{"offset":8,"length":3,"string":"FOO","captures":[]}]\n`,
    ],
    [`echo '"xyz-123"' | jq -c 'capture("(?<a>[a-z]+)-(?<n>[0-9]+)")'`, `{"a":"xyz","n":"123"}\n`],
    [
      `echo '"a1b22c333"' | jq -c '[scan("[0-9]+")], [scan("([a-z])([0-9]+)")]'`,
      `["1","22","333"]\n[["a","1"],["b","22"],["c","333"]]\n`,
    ],
    [
      `echo '"a, b,c"' | jq -c 'split(", *"; null), [splits(", *")], split(", ")'`,
      `["a","b","c"]\n["a","b","c"]\n["a","b,c"]\n`,
    ],
    [
      `echo '"aaa"' | jq -c 'sub("a";"b"), gsub("a";"b"), gsub("A";"b";"i"), sub("a";"b";"g")'`,
      `"baa"\n"bbb"\n"bbb"\n"bbb"\n`,
    ],
    [
      `echo '"abc abc"' | jq -c 'gsub("(?<x>b)";"[\\(.x)]"), sub("b";"[\\(.)]")'`,
      `"a[b]c a[b]c"\n"a[{}]c abc"\n`,
    ],
    // jq 1.6 goes on from the search's start plus one after an empty match: \\b is found twice
    [
      `echo '"ab cd abc"' | jq -c '[match("\\\\b";"g")|.offset], ([match("";"g")]|length)'`,
      `[0,2,2,3,5,5,6,9,9]\n9\n`,
    ],
    [
      `echo '"ab"' | jq -c '[match("(a)|(b)";"g")|.captures[1]]'`,
      `[{"offset":-1,"string":null,"length":0,"name":null},{"offset":1,"length":1,"string":"b","name":null}]\n`,
    ],
    [
      `echo '"ab cd abc"' | jq -c '[gsub("b"; "x","y")]'`,
      `["ax cd axc","ay cd axc","ax cd ayc","ay cd ayc"]\n`,
    ],
    [
      `echo '"ab cd"' | jq -c 'test("A B";"x"), test("a b # note\\n";"x"), test("B";"ig"), test("x*";"n")'`,
      "false\ntrue\ntrue\nfalse\n",
    ],
    [
      `echo '"a\\nb"' | jq -c 'test("^b"), test("a$"), test("a.b"), test("a.b";"p")'`,
      "false\nfalse\nfalse\ntrue\n",
    ],
    [`echo '"ünï ab"' | jq -c '[match("b|ï";"g")|.offset]'`, "[2,5]\n"],
    // offsets count code points, not UTF-16 units
    [
      `echo '"😀a😀b"' | jq -c '[match("a|b|😀";"g")|.offset], gsub("a";"X"), [splits("a")]'`,
      `[0,1,2,3]\n"😀X😀b"\n["😀","😀b"]\n`,
    ],
    [`echo '"a"' | jq -c 'test(["A","i"]), [match(["a","g"])|.string], test(["a"])'`, `true\n["a"]\ntrue\n`],
    [`echo '"Hello ÄB"' | jq -r 'ascii_downcase, ascii_upcase'`, "hello Äb\nHELLO ÄB\n"],
  ])("%s", async (line, out) => {
    const r = await run(line);
    expect(r.err).toBe("");
    expect(r.out).toBe(out);
  });

  it.each([
    [`echo '"t"' | jq 'test("(")'`, "Regex failure: end pattern with unmatched parenthesis"],
    [`echo '"t"' | jq 'test("a)")'`, "Regex failure: unmatched close parenthesis"],
    [`echo '"t"' | jq 'test("[a")'`, "Regex failure: premature end of char-class"],
    [`echo '"t"' | jq 'test("*a")'`, "Regex failure: target of repeat operator is not specified"],
    [`echo '"t"' | jq 'test("a{2,1}")'`, "Regex failure: upper is smaller than lower in repeat range"],
    [`echo '"t"' | jq 'test("a";"q")'`, "q is not a valid modifier string"],
    [`echo 123 | jq 'test("a")'`, "number (123) cannot be matched, as it is not a string"],
    [`echo '"a"' | jq 'test(1)'`, "number not a string or array"],
    [`echo '"a"' | jq 'splits(1)'`, "number (1) is not a string"],
    [`echo '"ab cd abc"' | jq 'gsub("b";1)'`, `string (" cd a") and number (1) cannot be added`],
    [`echo 1 | jq 'ascii_downcase'`, "explode input must be a string"],
  ])("%s fails in jq's words", async (line, why) => {
    const r = await run(line);
    expect(r.err).toBe(`jq: error (at <stdin>:1): ${why}\n`);
    expect(r.exitCode).toBe(5);
  });

  it("scan/2 is not jq 1.6's: a compile error that shows the program", async () => {
    const r = await run(`echo '"a"' | jq 'scan("a";"g")'`);
    expect(r.err).toBe(
      `jq: error: scan/2 is not defined at <top-level>, line 1:\nscan("a";"g")\njq: 1 compile error\n`,
    );
    expect(r.exitCode).toBe(3);
  });
});

describe("jq's formats (jq 1.6)", () => {
  it.each([
    [`echo '[1,"a b",null,true]' | jq -r '@sh'`, "1 'a b' null true\n", ""],
    [
      `echo '[1,{"x":1}]' | jq -r '@sh'`,
      "",
      'jq: error (at <stdin>:1): object ({"x":1}) can not be escaped for shell\n',
    ],
    [`echo '[[1]]' | jq -r '@tsv'`, "", "jq: error (at <stdin>:1): array ([1]) is not valid in a csv row\n"],
    [
      `echo '"x"' | jq -r '@csv'`,
      "",
      'jq: error (at <stdin>:1): string ("x") cannot be csv-formatted, only array\n',
    ],
    [`echo '"YWJj=ZGVm"' | jq -r '@base64d'`, "abc\n", ""],
    [
      `echo '"Y"' | jq -r '@base64d'`,
      "",
      'jq: error (at <stdin>:1): string ("Y") trailing base64 byte found\n',
    ],
    [
      `echo '"a b"' | jq -r '@base64d'`,
      "",
      'jq: error (at <stdin>:1): string ("a b") is not valid base64 data\n',
    ],
    [`echo '"ä/?&= +"' | jq -r '@uri'`, "%C3%A4%2F%3F%26%3D%20%2B\n", ""],
    [`echo '{"a":"x y"}' | jq -r '@uri "q=\\(.a)"'`, "q=x%20y\n", ""],
    [`echo '1' | jq -r '@foo'`, "", "jq: error (at <stdin>:1): foo is not a valid format\n"],
  ])("%s", async (line, out, err) => {
    const r = await run(line);
    expect(r.out).toBe(out);
    expect(r.err).toBe(err);
  });
});

describe("jq's patterns charge the line's budget (ADR 0036)", () => {
  it.each([
    ["gsub with a 1 MiB pattern", `echo '"a"' | jq --arg p "$X" 'gsub($p; "b")'`],
    ["match with a 1 MiB pattern", `echo '"a"' | jq --arg p "$X" '[match($p; "g")]'`],
    [
      "a global match of a*b|a over 40 KB of a (one search per match)",
      `A=$(printf '%40000s' | tr ' ' a); jq -n --arg a "$A" '[$a | match("a*b|a"; "g")] | length'`,
    ],
    [
      "splits of a*b|a over 40 KB of a",
      `A=$(printf '%40000s' | tr ' ' a); jq -n --arg a "$A" '[$a | splits("a*b|a")] | length'`,
    ],
  ])("%s stops by itself, fast", async (_name, line) => {
    const { sh } = offlineWorkstation();
    await runLine(sh, `X=$(printf '%${1024 * 1024 - 8}d' 0)`);
    const cpu = cpuClock();
    const r = await runLine(sh, line);
    expect(r.err).toMatch(/more than 10000 commands/);
    expect(cpu()).toBeLessThan(2000);
    expect((await runLine(sh, "echo still-here")).out).toBe("still-here\n");
  });
});
