/**
 * Completion reads kubectl's command registry: everything it offers is something kubectl runs,
 * and the course's argv normalisation reads the same registry.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { ManualClock } from "../cluster/types";
import { normalizeArgv } from "../course/argv";
import { runKubectl } from "../kubectl/testing";
import { candidates } from "./complete";

const clock = new ManualClock(Date.UTC(2026, 10, 30, 3, 0, 0));
const cluster = Cluster.create({ scenario: "explore-app", seed: 1, clock });
const kubectl = (...argv: string[]) => runKubectl(argv, { api: cluster.handle, clock });

/** `kubectl WORDS… <Tab>` with nothing typed of the last word. */
const complete = (...words: string[]): string[] => candidates(["kubectl", ...words, ""], {});

describe("kubectl completion", () => {
  const verbs = complete();

  it("offers kubectl's verbs, and none it does not have", () => {
    expect(verbs).toContain("get");
    expect(verbs).toContain("rollout");
    for (const present of ["apply", "edit", "cp", "port-forward"]) expect(verbs).toContain(present);
    for (const missing of ["drain", "certificate"]) expect(verbs).not.toContain(missing);
  });

  it("offers only verbs and sub-commands that kubectl runs", async () => {
    // after a verb, what is offered is either its sub-commands or (for `get` & co) resource types
    const subs = verbs.flatMap((v) => (complete(v).includes("pods") ? [] : complete(v).map((s) => [v, s])));
    const lines = [...verbs.map((v) => [v]), ...subs];
    expect(lines.length).toBeGreaterThan(verbs.length);
    for (const words of lines) {
      const r = await kubectl(...words, "--help");
      expect(r.stderr, words.join(" ")).not.toMatch(/unknown command/);
      expect(r.code, words.join(" ")).toBe(0);
    }
  });

  it("offers the sub-commands of a verb and resource types where a verb takes one", () => {
    expect(complete("rollout")).toEqual(["history", "pause", "restart", "resume", "status", "undo"]);
    expect(complete("rollout", "status")).toContain("deployments");
    expect(complete("get")).toEqual(expect.arrayContaining(["all", "pods", "deployments", "statefulsets"]));
    expect(complete("logs")).toEqual([]);
  });

  it("offers the flags of the command being typed, with the global ones", () => {
    const getFlags = candidates(["kubectl", "get", "--"], {});
    expect(getFlags).toContain("--show-labels");
    expect(getFlags).toContain("--namespace");
    expect(candidates(["kubectl", "logs", "--"], {})).toContain("--follow");
    expect(candidates(["kubectl", "logs", "--"], {})).not.toContain("--show-labels");
  });
});

describe("argv normalisation reads the same registry", () => {
  it("canonicalises resource types by kubectl's names and short names", () => {
    expect(normalizeArgv(["kubectl", "get", "sts"]).positionals).toEqual(["get", "statefulsets"]);
    expect(normalizeArgv(["kubectl", "get", "deployment.apps/x"]).positionals).toEqual([
      "get",
      "deployments",
      "x",
    ]);
    expect(normalizeArgv(["kubectl", "rollout", "status", "deploy/x"]).positionals).toEqual([
      "rollout",
      "status",
      "deployments",
      "x",
    ]);
    expect(normalizeArgv(["kubectl", "logs", "po/x"]).positionals).toEqual(["logs", "x"]);
  });

  it("reads each command's own flags: -f follows in logs and names a file in delete", () => {
    expect(normalizeArgv(["kubectl", "logs", "-f", "x"])).toMatchObject({
      positionals: ["logs", "x"],
      flags: ["-f"],
    });
    expect(normalizeArgv(["kubectl", "delete", "-f", "x.yaml"])).toMatchObject({
      positionals: ["delete"],
      flags: ["-f=x.yaml"],
    });
    expect(normalizeArgv(["kubectl", "-n", "kube-system", "get", "po"])).toMatchObject({
      positionals: ["get", "pods"],
      flags: ["-n=kube-system"],
    });
  });
});
