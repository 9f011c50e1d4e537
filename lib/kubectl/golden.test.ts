import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../cluster/types";
import { fixtureTransport, runKubectl } from "./testing";

const root = new URL("../../fixtures/kubectl-v1.32/", import.meta.url);
const files = new Map<string, string>();
for (const f of readdirSync(new URL("api/", root)))
  files.set(f.replace(/\.json$/, ""), readFileSync(new URL(`api/${f}`, root), "utf8"));
const POD = "kubernetes-bootcamp-9bc58d867-2tqkn";
const logs = new Map([
  [POD, `Kubernetes Bootcamp App Started At: 2026-11-30T02:55:08.000Z | Running On:  ${POD} \n\n`],
]);

/** Split a `$ kubectl …` line the way a POSIX shell would (quotes only; no expansion needed). */
function shellSplit(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, j);
      i = j;
      has = true;
    } else if (c === '"') {
      let j = i + 1;
      while (line[j] !== '"') {
        if (line[j] === "\\") j++;
        cur += line[j];
        j++;
      }
      i = j;
      has = true;
    } else if (c === " ") {
      if (has) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

const cases = readdirSync(new URL("cases/", root))
  .filter((f) => f.endsWith(".txt"))
  .sort();
// Ages in the cases (89m) say the commands ran about 89 minutes after 02:55.
const clock = new ManualClock(Date.parse("2026-11-30T04:24:30Z"));

describe("golden cases recorded from real kubectl v1.32", () => {
  for (const name of cases) {
    const text = readFileSync(new URL(`cases/${name}`, root), "utf8");
    const nl = text.indexOf("\n");
    const command = text.slice(2, nl);
    const m = /\[exit (\d+)\]\n?$/.exec(text);
    const expected = text.slice(nl + 1, m?.index);
    const exit = Number(m?.[1]);
    it(`${name}: ${command}`, async () => {
      const argv = shellSplit(command).slice(1);
      const r = await runKubectl(argv, { api: fixtureTransport(files, logs), clock });
      // our classroom hints (lines starting "hint:") are additions, not kubectl's voice
      expect(r.output.replace(/^hint: .*\n/gm, "")).toBe(expected);
      expect(r.code).toBe(exit);
    });
  }
});
