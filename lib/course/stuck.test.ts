import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../shell/types";
import { defaultStepSeconds, overTime, STUCK_RULES, StuckDetector, stuckRule, waitingReasons } from "./stuck";

let at = 0;
const entry = (line: string, output = "", exitCode = 0): JournalEntry => {
  at += 1000;
  return { tab: "1", line, commands: [], exitCode: exitCode as JournalEntry["exitCode"], output, at };
};
const NF = 'Error from server (NotFound): pods "x" not found\n';

describe("stuck rules", () => {
  it("every rule explains itself and suggests a hint in both languages", () => {
    for (const r of STUCK_RULES) {
      expect(r.explain.ja && r.explain.en && r.hint.ja && r.hint.en, r.id).toBeTruthy();
    }
    expect(new Set(STUCK_RULES.map((r) => r.id)).size).toBe(STUCK_RULES.length);
  });

  it("raises not-found on the third NotFound in a few lines, once, until cleared", () => {
    const d = new StuckDetector();
    expect(d.line(entry("kubectl get pod x", NF, 1), [])).toEqual([]);
    expect(d.line(entry("kubectl describe pod x", NF, 1), [])).toEqual([]);
    expect(d.line(entry("ls"), [])).toEqual([]);
    expect(d.line(entry("kubectl logs x", NF, 1), [])).toEqual(["not-found-repeated"]);
    expect(d.line(entry("kubectl logs x", NF, 1), [])).toEqual([]);
    expect(d.flags()).toEqual(["not-found-repeated"]);
    d.clear();
    expect(d.flags()).toEqual([]);
  });

  it("does not count NotFound errors spread far apart", () => {
    const d = new StuckDetector();
    for (let i = 0; i < 3; i++) {
      expect(d.line(entry("kubectl get pod x", NF, 1), [])).toEqual([]);
      for (let j = 0; j < 5; j++) d.line(entry("echo ok", "ok\n"), []);
    }
    expect(d.flags()).toEqual([]);
  });

  it("raises the legacy exec form and curl without a proxy on the second time", () => {
    const d = new StuckDetector();
    const legacy =
      "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n";
    expect(d.line(entry("kubectl exec p env", legacy, 1), [])).toEqual([]);
    expect(d.line(entry("kubectl exec p ls", legacy, 1), [])).toEqual(["legacy-exec"]);
    const refused =
      "curl: (7) Failed to connect to localhost port 8001 after 0 ms: Couldn't connect to server\n";
    expect(d.line(entry("curl localhost:8001/version", refused, 7), [])).toEqual([]);
    expect(d.line(entry("curl http://localhost:8080", refused, 7), [])).toEqual([]);
    expect(d.line(entry("curl http://localhost:8001/", refused, 7), [])).toEqual(["curl-without-proxy"]);
  });

  it("raises an image pull failure left alone for three lines; looking into it resets", () => {
    const d = new StuckDetector();
    const w = ["ImagePullBackOff"];
    d.line(entry("kubectl get deploy"), w);
    d.line(entry("kubectl get pods"), w);
    d.line(entry("kubectl describe pod x"), w);
    d.line(entry("kubectl get svc"), w);
    expect(d.line(entry("kubectl get svc"), w)).toEqual([]);
    expect(d.line(entry("kubectl get pods"), w)).toEqual(["image-pull-unnoticed"]);
    const fresh = new StuckDetector();
    for (let i = 0; i < 5; i++) fresh.line(entry("kubectl get pods"), ["ContainerCreating"]);
    expect(fresh.flags()).toEqual([]);
  });

  it("time thresholds: a default per step, and over-time", () => {
    expect(defaultStepSeconds({ solution: [{} as never, {} as never] })).toBe(240);
    expect(overTime(0, 239_999, 240)).toBe(false);
    expect(overTime(0, 240_000, 240)).toBe(true);
    expect(stuckRule("time-on-step")?.kind).toBe("time");
  });

  it("reads waiting reasons from a pod list", () => {
    expect(
      waitingReasons({
        items: [
          { status: { containerStatuses: [{ state: { waiting: { reason: "ErrImagePull" } } }] } },
          { status: { containerStatuses: [{ state: { running: {} } }] } },
        ],
      }),
    ).toEqual(["ErrImagePull"]);
    expect(waitingReasons(null)).toEqual([]);
  });
});
