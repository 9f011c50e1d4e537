import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ApiHandler, ApiRequest, ApiResponse } from "../cluster/types";
import type { JournalEntry } from "../shell/types";
import { matchCommand, normalizeArgv } from "./argv";
import { evaluate, evaluateLesson, explainCheck, fieldValues } from "./checks";
import { loadCourse } from "./loader";
import type { Check } from "./schema";

const POD = "kubernetes-bootcamp-9bc58d867-2tqkn";

/** A tiny API: a fixed set of objects by path, lists filtered by `app` label. */
function fakeApi(objects: Record<string, unknown>): ApiHandler & { requests: ApiRequest[] } {
  const requests: ApiRequest[] = [];
  const handler = (req: ApiRequest): ApiResponse => {
    requests.push(req);
    let obj = objects[req.path];
    const selector = req.query?.get("labelSelector");
    if (obj !== undefined && selector) {
      const [k, v] = selector.split("=");
      const items = (obj as { items: Array<{ metadata: { labels?: Record<string, string> } }> }).items;
      obj = { items: items.filter((i) => i.metadata.labels?.[k ?? ""] === v) };
    }
    return obj === undefined
      ? { status: 404, headers: {}, body: '{"kind":"Status","reason":"NotFound"}' }
      : { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(obj) };
  };
  return Object.assign(handler, { requests });
}

const pod = (
  name: string,
  labels: Record<string, string>,
  image = "gcr.io/google-samples/kubernetes-bootcamp:v1",
) => ({
  metadata: { name, labels },
  spec: { containers: [{ image }] },
  status: { phase: "Running" },
});

const api = fakeApi({
  "/api/v1/namespaces/default/pods": {
    items: [pod(POD, { app: "kubernetes-bootcamp", version: "v1" }), pod("other-5d4c-abcde", { app: "x" })],
  },
  "/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp": {
    spec: { replicas: 4 },
    status: { readyReplicas: 4 },
  },
});

let at = 0;
function line(text: string, commands: string[][], exitCode = 0, output = "", tab = "1"): JournalEntry {
  return { tab, line: text, commands, exitCode, output, at: at++ };
}
const ctx = (journal: JournalEntry[]) => ({ journal, api });
const cmd = (run: string[], extra: Partial<Extract<Check, { kind: "command" }>> = {}): Check => ({
  kind: "command",
  run,
  ...extra,
});

describe("normalizeArgv", () => {
  const same = (a: string[], b: string[]) =>
    matchCommand(normalizeArgv(a), normalizeArgv(b), { isPod: () => true }, true);

  it("treats aliases, TYPE/NAME and flag spellings alike", () => {
    expect(same(["kubectl", "get", "pods"], ["kubectl", "get", "po"])).toBe(true);
    expect(same(["kubectl", "get", "pods", "-o", "wide"], ["kubectl", "get", "po", "-o=wide"])).toBe(true);
    expect(same(["kubectl", "get", "pods", "-o", "wide"], ["kubectl", "get", "-owide", "pod"])).toBe(true);
    expect(same(["kubectl", "get", "pods", "-o", "wide"], ["kubectl", "--output=wide", "get", "pods"])).toBe(
      true,
    );
    expect(same(["kubectl", "describe", "pod", "x"], ["kubectl", "describe", "pod/x"])).toBe(true);
    expect(same(["kubectl", "get", "deploy"], ["kubectl", "get", "deployments"])).toBe(true);
    expect(same(["kubectl", "get", "svc"], ["kubectl", "get", "services"])).toBe(true);
    expect(same(["kubectl", "get", "rs"], ["kubectl", "get", "replicasets"])).toBe(true);
    expect(
      same(
        ["kubectl", "scale", "deployments/kubernetes-bootcamp", "--replicas=4"],
        ["kubectl", "scale", "--replicas", "4", "deploy", "kubernetes-bootcamp"],
      ),
    ).toBe(true);
    expect(
      same(
        ["kubectl", "rollout", "status", "deployments/kubernetes-bootcamp"],
        ["kubectl", "rollout", "status", "deployment", "kubernetes-bootcamp"],
      ),
    ).toBe(true);
    expect(
      same(
        ["kubectl", "exec", "-ti", "p", "--", "bash"],
        ["kubectl", "exec", "p", "-i", "--tty", "--", "bash"],
      ),
    ).toBe(true);
    expect(same(["kubectl", "logs", "p"], ["kubectl", "logs", "pod/p"])).toBe(true);
  });

  it("keeps different commands apart", () => {
    expect(same(["kubectl", "get", "pods"], ["kubectl", "get", "nodes"])).toBe(false);
    expect(same(["kubectl", "exec", "p", "--", "env"], ["kubectl", "exec", "p", "env"])).toBe(false);
    expect(same(["kubectl", "get", "pods", "-o", "wide"], ["kubectl", "get", "pods"])).toBe(false);
  });

  it("keeps the command after -- intact", () => {
    expect(normalizeArgv(["kubectl", "exec", "-ti", "p", "--", "curl", "-s", "x"]).rest).toEqual([
      "curl",
      "-s",
      "x",
    ]);
  });
});

describe("command checks", () => {
  it("match the learner's spelling, with extra flags allowed", () => {
    const check = cmd(["kubectl", "get", "pods", "..."], { exitCode: 0 });
    expect(
      evaluate(
        { checks: [check] },
        ctx([line("kubectl get po -o wide", [["kubectl", "get", "po", "-o", "wide"]])]),
      ).done,
    ).toBe(true);
  });

  it("require the exit code when asked", () => {
    const check = cmd(["kubectl", "get", "pods"], { exitCode: 0 });
    const failed = line("kubectl get pods", [["kubectl", "get", "pods"]], 1);
    expect(evaluate({ checks: [check] }, ctx([failed])).done).toBe(false);
    expect(
      evaluate(
        { checks: [cmd(["curl", "<any>"], { exitCode: "nonzero" })] },
        ctx([line("curl x", [["curl", "x"]], 7)]),
      ).done,
    ).toBe(true);
  });

  it("`<pod>` only matches pods that exist or that the cluster had, never a name merely printed", () => {
    const check = cmd(["kubectl", "exec", "<pod>", "--", "env"]);
    const gone = "kubernetes-bootcamp-9bc58d867-zzzzz";
    const run = (name: string, output = "", podExisted?: (ns: string, n: string) => boolean) =>
      evaluate(
        { checks: [check] },
        {
          ...ctx([line(`kubectl exec ${name} -- env`, [["kubectl", "exec", name, "--", "env"]], 0, output)]),
          ...(podExisted ? { podExisted } : {}),
        },
      ).done;
    expect(run(POD)).toBe(true);
    expect(run("nosuch")).toBe(false);
    // A name that only appears in output (an `echo`) is not a pod.
    expect(run(gone, `${gone}   1/1   Running`)).toBe(false);
    // A pod gone since (scaled down) counts when the cluster had it.
    expect(run(gone, "", (ns, n) => ns === "default" && n === gone)).toBe(true);
  });

  it("look at every simple command of a line (pipes, $(...))", () => {
    const check = cmd(["export", "POD_NAME=<pod>"]);
    const entry = line("export POD_NAME=$(kubectl get pods …)", [
      ["kubectl", "get", "pods", "-o", "go-template", "--template", "{{…}}"],
      ["export", `POD_NAME=${POD}`],
    ]);
    expect(evaluate({ checks: [check] }, ctx([entry])).done).toBe(true);
  });

  it("placeholders work inside a token", () => {
    const check = cmd(["curl", "<*>:8001/api/v1/namespaces/default/pods/<pod>:8080/proxy<*>"]);
    const url = `http://localhost:8001/api/v1/namespaces/default/pods/${POD}:8080/proxy/`;
    expect(evaluate({ checks: [check] }, ctx([line(`curl ${url}`, [["curl", "-s", url]])])).done).toBe(true);
    const old = `http://localhost:8001/api/v1/proxy/namespaces/default/pods/${POD}/`;
    expect(evaluate({ checks: [check] }, ctx([line(`curl ${old}`, [["curl", old]])])).done).toBe(false);
  });
});

describe("output checks", () => {
  const hello = `Hello Kubernetes bootcamp! | Running on: ${POD} | v=1\n`;
  const check: Check = {
    kind: "output",
    pattern: "Hello Kubernetes bootcamp! \\| Running on: \\S+ \\| v=1",
    run: ["curl", "..."],
  };

  it("find a regex in the output of a matching command", () => {
    expect(evaluate({ checks: [check] }, ctx([line("curl x", [["curl", "x"]], 0, hello)])).done).toBe(true);
    expect(evaluate({ checks: [check] }, ctx([line("echo", [["echo", hello]], 0, hello)])).done).toBe(false);
  });

  it("read the matching command's own output, not an echo or cat beside it", () => {
    const with_ = (commands: string[][], outputs: string[]) =>
      evaluate({ checks: [check] }, ctx([{ ...line("l", commands, 0, outputs.join("")), outputs }])).done;
    expect(
      with_(
        [
          ["curl", "x"],
          ["echo", "fake"],
        ],
        [hello, ""],
      ),
    ).toBe(true);
    expect(
      with_(
        [
          ["curl", "x"],
          ["echo", hello],
        ],
        ["curl: (7) Failed to connect\n", hello],
      ),
    ).toBe(false);
    expect(
      with_(
        [
          ["curl", "x"],
          ["cat", "fake.txt"],
        ],
        ["", hello],
      ),
    ).toBe(false);
    // lines journaled before per-command output existed: the whole line's output
    expect(evaluate({ checks: [check] }, ctx([line("curl x", [["curl", "x"]], 0, hello)])).done).toBe(true);
  });

  it("ignore output of the learner's choosing: kubectl templates and -o yaml/json, curl -w and -v", () => {
    const get: Check = {
      kind: "output",
      pattern: "^kubernetes-bootcamp\\s+1/1",
      run: ["kubectl", "get", "deployments", "..."],
    };
    const text = "kubernetes-bootcamp   1/1\n";
    const one = (c: Check, argv: string[]) =>
      evaluate({ checks: [c] }, ctx([{ ...line(argv.join(" "), [argv], 0, text), outputs: [text] }])).done;
    expect(one(get, ["kubectl", "get", "deployments"])).toBe(true);
    expect(one(get, ["kubectl", "get", "deployments", "-o", "wide"])).toBe(true);
    expect(one(get, ["kubectl", "get", "deployments", "-o", "go-template=kubernetes-bootcamp   1/1"])).toBe(
      false,
    );
    expect(one(get, ["kubectl", "get", "deployments", "-ojsonpath={.x}"])).toBe(false);
    expect(one(get, ["kubectl", "get", "deployments", "--output=custom-columns=A:.x"])).toBe(false);
    expect(one(get, ["kubectl", "get", "deployments", "-o", "yaml"])).toBe(false);
    expect(one(get, ["kubectl", "get", "deployments", "--template={{.x}}"])).toBe(false);
    const curl: Check = { kind: "output", pattern: "kubernetes-bootcamp", run: ["curl", "..."] };
    expect(one(curl, ["curl", "http://x"])).toBe(true);
    expect(one(curl, ["curl", "-w", "kubernetes-bootcamp", "http://x"])).toBe(false);
    expect(one(curl, ["curl", "-v", "-H", "X: kubernetes-bootcamp", "http://x"])).toBe(false);
  });

  it("count lines with `times`", () => {
    const thrice: Check = { ...check, times: 3 };
    const curl = () => line("curl x", [["curl", "x"]], 0, hello);
    expect(evaluate({ checks: [thrice] }, ctx([curl(), curl()])).done).toBe(false);
    expect(evaluate({ checks: [thrice] }, ctx([curl(), curl(), curl()])).done).toBe(true);
  });
});

describe("state checks", () => {
  const deploy = "/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp";
  const ok = (check: Check) => evaluate({ checks: [check] }, ctx([])).done;

  it("compare a dotted path", () => {
    expect(ok({ kind: "state", get: deploy, expect: { path: "status.readyReplicas", equals: 4 } })).toBe(
      true,
    );
    expect(ok({ kind: "state", get: deploy, expect: { path: "status.readyReplicas", equals: 2 } })).toBe(
      false,
    );
    expect(ok({ kind: "state", get: deploy, expect: { path: "status.nothing", equals: 4 } })).toBe(false);
  });

  it("check existence", () => {
    expect(ok({ kind: "state", get: deploy, expect: { exists: true } })).toBe(true);
    expect(
      ok({ kind: "state", get: "/api/v1/namespaces/default/services/x", expect: { exists: false } }),
    ).toBe(true);
  });

  it("count list items with a label selector and a where filter", () => {
    const pods = "/api/v1/namespaces/default/pods";
    expect(ok({ kind: "state", get: pods, labelSelector: "version=v1", expect: { count: 1 } })).toBe(true);
    expect(ok({ kind: "state", get: pods, expect: { min: 2 } })).toBe(true);
    expect(
      ok({
        kind: "state",
        get: pods,
        expect: { count: 2, where: { path: "status.phase", equals: "Running" } },
      }),
    ).toBe(true);
    expect(api.requests.some((r) => r.query?.get("labelSelector") === "version=v1")).toBe(true);
  });

  it("check every or some value under [*]", () => {
    const pods = "/api/v1/namespaces/default/pods";
    const image = "items[*].spec.containers[0].image";
    expect(ok({ kind: "state", get: pods, expect: { path: image, matches: ":v1$" } })).toBe(true);
    expect(ok({ kind: "state", get: pods, expect: { path: "items[*].metadata.name", equals: POD } })).toBe(
      false,
    );
    expect(
      ok({ kind: "state", get: pods, expect: { path: "items[*].metadata.name", equals: POD, some: true } }),
    ).toBe(true);
  });

  it('fieldValues understands [n], [*] and ["key"]', () => {
    const obj = { metadata: { labels: { "app.kubernetes.io/name": "a" } }, items: [{ x: 1 }, { x: 2 }] };
    expect(fieldValues(obj, 'metadata.labels["app.kubernetes.io/name"]')).toEqual(["a"]);
    expect(fieldValues(obj, "items[1].x")).toEqual([2]);
    expect(fieldValues(obj, "items[*].x")).toEqual([1, 2]);
    expect(fieldValues(obj, "items[5].x")).toEqual([]);
  });
});

describe("missing explanations", () => {
  it("are generated from the check in both languages", () => {
    const result = evaluate(
      { checks: [cmd(["kubectl", "exec", "<pod>", "--", "env"], { exitCode: 0 })] },
      ctx([]),
    );
    expect(result).toEqual({
      done: false,
      missing: [
        {
          ja: "`kubectl exec $POD_NAME -- env` をまだ成功させていません",
          en: "Run `kubectl exec $POD_NAME -- env` successfully",
        },
      ],
    });
    expect(
      explainCheck({
        kind: "state",
        get: "/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp",
        expect: { path: "status.readyReplicas", equals: 4 },
      }).en,
    ).toBe("deployments/kubernetes-bootcamp: status.readyReplicas is not 4 yet");
  });

  it("can be overridden with explain", () => {
    const explain = { ja: "プロキシを起動してください", en: "Start the proxy" };
    expect(evaluate({ checks: [cmd(["kubectl", "proxy"], { explain })] }, ctx([])).missing).toEqual([
      explain,
    ]);
  });
});

describe("evaluateLesson on module 3", () => {
  const course = loadCourse(fileURLToPath(new URL("../../courses/kubernetes-basics", import.meta.url)));
  const lesson = course.lessons.find((l) => l.slug === "03-pods-and-nodes")!;

  it("completes steps in any order and points at the first open one", () => {
    const journal = [
      line(`kubectl logs ${POD}`, [["kubectl", "logs", POD]], 0, "Kubernetes Bootcamp App Started At: …"),
    ];
    const first = evaluateLesson(lesson, ctx(journal), new Set());
    expect(first.newlyCompleted).toEqual(["view-logs"]);
    expect(first.current).toBe("check-app");
    expect(first.results["check-app"]?.missing.map((m) => m.en)).toEqual([
      "Run `kubectl get pods` successfully",
      "Run `kubectl describe pods` successfully",
    ]);

    journal.push(
      line("kubectl get pods", [["kubectl", "get", "pods"]]),
      line("kubectl describe po", [["kubectl", "describe", "po"]]),
    );
    const second = evaluateLesson(lesson, ctx(journal), new Set(first.newlyCompleted));
    expect(second.newlyCompleted).toEqual(["check-app"]);
    expect(second.current).toBe("view-app");
    expect(second.results["view-logs"]).toBeUndefined();
  });

  it("the seed's old exec form does not count, the current one does", () => {
    const step = lesson.steps.find((s) => s.id === "exec")!;
    const old = [
      line(`kubectl exec ${POD} env`, [["kubectl", "exec", POD, "env"]], 1),
      line(`kubectl exec -ti ${POD} bash`, [["kubectl", "exec", "-ti", POD, "bash"]], 1),
    ];
    expect(evaluate(step, ctx(old)).done).toBe(false);
    const current = [
      line(`kubectl exec ${POD} -- env`, [["kubectl", "exec", POD, "--", "env"]]),
      line(`kubectl exec -it ${POD} -- /bin/bash`, [["kubectl", "exec", "-it", POD, "--", "/bin/bash"]]),
    ];
    expect(evaluate(step, ctx(current)).done).toBe(true);
  });
});
