/**
 * Differential test: the real kubectl v1.32 (the oracle: scripts/real-kubectl.ts picks the upstream
 * build beside the kubectl on PATH, and checks its version) and ours, against the same simulated
 * cluster served over HTTP, for the commands a learner types in modules 1–6 (lesson solutions
 * and hints) and their common mistakes. Ages are masked (real kubectl measures them with the wall
 * clock). Every difference we accept is listed in KNOWN with its reason. Without a trusted v1.32
 * client every case is skipped and the line `differential: SKIPPED, …` says why; otherwise the
 * summary line `differential: EQUAL/TOTAL equal` names the oracle at the end.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeOracle, kubectlOracle, runOracle } from "../../scripts/real-kubectl";
import { serveApi } from "../../server/kube-api";
import { Cluster } from "../cluster";
import { createPod } from "../cluster/testing";
import { type Clock, ManualClock } from "../cluster/types";
import { runLine } from "../shell/harness";
import { singleQuote } from "../shell/quote";
import type { ShellSession } from "../shell/workstation";
import { clusterWorkstation } from "../terminal/wiring";
import { runKubectl } from "./testing";

const mask = (s: string): string =>
  s
    .replace(/^([EWI])\d{4} [\d:.]+ +\d+ /gm, "$1<klog> ")
    .replace(/(?<![\w.])\d+[smhd](\d+[smh])?\b/g, "<age>")
    // an age one second apart can change a column's width: compare the text after it loosely
    .replace(/<age> +/g, "<age> ");

/** Our classroom hints are not kubectl's voice: they are removed before comparing. */
const withoutHints = (s: string): string => s.replace(/^hint: \(kubeclass\).*\n/gm, "");

/**
 * Accepted differences, each with its reason. `adjust` is applied to both outputs before they
 * are compared; a case listed here still has to be equal after the adjustment.
 */
const KNOWN: Record<
  string,
  { reason: string; adjust: (s: string) => string; ignoreExit?: boolean; timeoutMs?: number }
> = {
  "exec POD env": {
    reason: "we add a classroom `hint:` line with the modern form after kubectl's error",
    adjust: withoutHints,
  },
  "exec -ti POD bash": {
    reason: "we add a classroom `hint:` line with the modern form after kubectl's error",
    adjust: withoutHints,
  },
  "cluster-info": {
    reason:
      "the real client is pointed at the test's http://127.0.0.1:PORT; ours prints the learner's kubeconfig server https://192.168.49.2:8443",
    adjust: (s) => s.replace(/https?:\/\/[\d.]+:\d+/g, "<server>"),
  },
  "44. logs -l app=kubernetes-bootcamp --tail=1": {
    reason:
      "one selected pod is still failing to pull: the real client reads the pods' logs concurrently and exits on that pod's error, so the other pods' last lines arrive or not from run to run — the error line and the exit code are compared",
    adjust: (s) =>
      s
        .split("\n")
        .filter((l) => l.startsWith("Error"))
        .join("\n"),
  },
  "apply -f DIR/typo.yaml": {
    reason:
      "the server's Invalid quotes the patch it refused; kubectl's strategic merge patch diffs lists by merge key (`$setElementOrder/containers`, only the changed fields of each element) where ours sends a changed list whole — the rest of the message is compared",
    adjust: (s) =>
      s.replace(
        /Invalid value: ".*": strict decoding error/g,
        'Invalid value: "<patch>": strict decoding error',
      ),
  },
  "version --client": {
    reason:
      "ours is v1.32.4; the oracle may be another v1.32 patch release (upstream v1.32.5, or a vendor build's v1.32.4-dispatcher)",
    adjust: (s) => s.replace(/v1\.32\.\d+(-dispatcher)?/, "v1.32.<patch>"),
  },
};

/**
 * Commands not run against the real client, with the reason (the summary lists them):
 * they are covered by unit tests on a ManualClock instead.
 */
export const NOT_COMPARED: Record<string, string> = {
  "logs -f POD": "never ends on the real client; follow is unit-tested with a ManualClock (streams.test.ts)",
  "get pods -w": "never ends on the real client; unit-tested with a ManualClock (streams.test.ts)",
  "exec -ti POD -- bash":
    "needs a terminal on the real client's stdin; tested through a pseudo-terminal in server/kube-api/kube-api.test.ts",
};

const oracle = kubectlOracle();
const available = oracle.ok;
/** A vendor build on PATH words pflag's errors as cobra does; the upstream build is compared. */
const upstreamOnly = (line: string, reason: string): void => {
  if (!oracle.ok || !oracle.upstream) NOT_COMPARED[line] = reason;
};
upstreamOnly(
  "get --foo",
  "a vendor kubectl build prints cobra's `Error: unknown flag: --foo`; kubectl v1.32 prints `error: unknown flag: --foo` (unit-tested in units.test.ts)",
);
console.log(describeOracle("differential"));

type Known = (typeof KNOWN)[string];
type Ran = { stdout: string; stderr: string; code: number };
/** Our kubectl, given the words of a line and what is piped into it. */
type Ours = (args: string[], stdin?: string) => Promise<Ran>;

/** A GET on a cluster's API as a client sends it: the response's body. */
const apiGet = (c: Cluster, path: string): string =>
  c.handle({ method: "GET", path, query: new URLSearchParams(), headers: {} }).body;

/** The name of a kubernetes-bootcamp pod in `default`. */
const podOf = (c: Cluster): string =>
  apiGet(c, "/api/v1/namespaces/default/pods").match(
    /"name":"(kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]+)"/,
  )?.[1] ?? "missing";

/** A workstation on `cluster` whose timers never fire: nothing the cases run in it waits. */
const workstationOn = (cluster: Cluster, clock: Clock) =>
  clusterWorkstation(cluster, { clock, scheduler: { setTimeout: () => 0, clearTimeout: () => {} } });

/** Our kubectl typed in a workstation shell as the learner does; stdin comes from printf. */
const inShell =
  (shell: ShellSession): Ours =>
  async (args, stdin) => {
    const kubectl = `kubectl ${args.map(singleQuote).join(" ")}`;
    const r = await runLine(
      shell,
      stdin !== undefined ? `printf '%s' ${singleQuote(stdin)} | ${kubectl}` : kubectl,
    );
    return { stdout: r.out, stderr: r.err, code: r.exitCode };
  };

/**
 * Our kubectl in a fresh workstation shell, whose `kubectl exec` enters the pod's simulated
 * container (a bare runKubectl has no container host).
 */
async function inWorkstation(cluster: Cluster, clock: Clock, args: string[]): Promise<Ran> {
  const ws = workstationOn(cluster, clock);
  const r = await inShell(ws.openShell("diff"))(args);
  ws.dispose();
  return r;
}

/** Splits a command line: words, with '…' quoting (enough for the cases below). */
function argv(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) out.push(m[1] ?? m[2] ?? "");
  return out;
}

/** The wall clock: both clients measure ages on it. */
const wall = { now: () => Date.now() };

const realTimers = {
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (h: unknown): void => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Serves `cluster` to the real client for the enclosing describe block: its port once it listens. */
function served(cluster: Cluster): () => number {
  let server: { close(): Promise<void>; port: number } | undefined;
  beforeAll(async () => {
    server = await serveApi(cluster, "127.0.0.1", 0);
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error("the API server did not start");
    return server.port;
  };
}

/**
 * Twin clusters, same scenario, seed and clock (which starts `msBack` before now): the real
 * client works on `a`, served over HTTP, ours on `b`. `fill` puts each twin's pod name for
 * `placeholder` in a step and checks that both lines agree.
 */
function twins(scenario: string, seed: number, msBack = 0) {
  const clock = new ManualClock(Date.now() - msBack);
  const a = Cluster.create({ scenario, seed, clock });
  const b = Cluster.create({ scenario, seed, clock });
  const port = served(a);
  /** Our kubectl alone on `b`, measuring ages on the wall clock. */
  const kubectl = (args: string[]): Promise<Ran> => runKubectl(args, { api: b.handle, clock: wall });
  return {
    clock,
    a,
    b,
    port,
    kubectl,
    /** compareSteps with the real client on `a` over HTTP and, unless `s` says otherwise, `kubectl`. */
    compare: (prefix: string, steps: readonly string[], s: Partial<Steps> = {}): void =>
      compareSteps(prefix, steps, { port, ours: kubectl, ...s }),
    tick: (): void => {
      a.tick();
      b.tick();
    },
    fill: (step: string, placeholder = "{POD}"): string => {
      const line = step.replaceAll(placeholder, podOf(a));
      expect(step.replaceAll(placeholder, podOf(b))).toBe(line);
      return line;
    },
  };
}

const results: { name: string; equal: boolean; known?: string }[] = [];

afterAll(() => {
  if (!oracle.ok) return;
  const equal = results.filter((r) => r.equal).length;
  const lines = [`differential: ${equal}/${results.length} equal (oracle ${oracle.bin}, ${oracle.version})`];
  for (const r of results) if (r.known) lines.push(`  known difference in "${r.name}": ${r.known}`);
  for (const [k, v] of Object.entries(NOT_COMPARED)) lines.push(`  not compared: "${k}": ${v}`);
  for (const r of results) if (!r.equal) lines.push(`  DIFFERENT: ${r.name}`);
  console.log(lines.join("\n"));
});

/** One comparison: the same line through the real client and ours. */
interface Case {
  /** The `it`'s name: the summary's, and the key into KNOWN unless `known` is given. */
  name: string;
  /** The line both clients run; `dir` in it and in both outputs reads DIR. */
  line: string;
  ours: Ours;
  /** Where the real client finds the API: `--server` at this port, or a kubeconfig file. */
  port?: number;
  kubeconfig?: string;
  stdin?: string;
  /** A temporary directory: the real client's working directory, shown as DIR. */
  dir?: string;
  known?: Known;
  /** Ages are masked unless this is false. */
  mask?: boolean;
}

async function compare(c: Case): Promise<void> {
  const args = argv(c.line);
  const known = c.known ?? KNOWN[c.name];
  const real = await runOracle([...(c.kubeconfig ? [] : [`--server=http://127.0.0.1:${c.port}`]), ...args], {
    env: { ...process.env, KUBECONFIG: c.kubeconfig ?? "/dev/null", TZ: "UTC" },
    ...(known?.timeoutMs !== undefined ? { timeoutMs: known.timeoutMs } : {}),
    ...(c.stdin !== undefined ? { stdin: c.stdin } : {}),
    ...(c.dir !== undefined ? { cwd: c.dir } : {}),
  });
  const r = await c.ours(args, c.stdin);
  const dir = (s: string): string => (c.dir ? s.replaceAll(c.dir, "DIR") : s);
  const show = (s: string): string => {
    const text = c.mask === false ? dir(s) : mask(dir(s));
    return known ? known.adjust(text) : text;
  };
  const exit = (code: number): string => (known?.ignoreExit ? "[exit not compared]" : `[exit ${code}]`);
  // the real client's streams are captured apart: compare stdout then stderr for both
  const mine = `${dir(c.line)}\n${show(r.stdout + r.stderr)}${exit(r.code)}`;
  const theirs = `${dir(c.line)}\n${show(real.out + real.err)}${exit(real.code)}`;
  results.push({ name: c.name, equal: mine === theirs, ...(known ? { known: known.reason } : {}) });
  expect(mine).toBe(theirs);
}

/** How compareSteps runs a block's steps. */
interface Steps {
  port: () => number;
  ours: Ours;
  /** The line both clients run for a step (placeholders filled); the step itself by default. */
  line?: (step: string) => string;
  /** Before step i, e.g. moving the twins' clock on. */
  before?: (i: number) => void;
  /** Runs each comparison, e.g. to check something before and after it. */
  around?: (compare: () => Promise<void>) => Promise<void>;
  /** What is piped into step i. */
  stdin?: (i: number) => string | undefined;
  /** The accepted difference of a step, instead of KNOWN[its name]. */
  known?: (step: string) => Known | undefined;
  dir?: string;
}

/** One `it` per step, named `<prefix> N. <step>` (`N. <step>` without a prefix). */
function compareSteps(prefix: string, steps: readonly string[], s: Steps): void {
  for (const [i, step] of steps.entries()) {
    const name = `${prefix ? `${prefix} ` : ""}${i + 1}. ${step}`;
    it(name, async () => {
      const port = s.port();
      s.before?.(i);
      const stdin = s.stdin?.(i);
      const known = s.known?.(step);
      const run = () =>
        compare({
          name,
          line: s.line ? s.line(step) : step,
          port,
          ours: s.ours,
          ...(stdin !== undefined ? { stdin } : {}),
          ...(known ? { known } : {}),
          ...(s.dir !== undefined ? { dir: s.dir } : {}),
        });
      await (s.around ? s.around(run) : run());
    });
  }
}

/** Reads on module 3's cluster (explore-app): one pod. */
describe.skipIf(!available)("reads: ours vs real kubectl over HTTP (ages masked)", () => {
  const clock = new ManualClock(Date.now());
  const cluster = Cluster.create({ scenario: "explore-app", seed: 7, clock });
  const port = served(cluster);
  const commands: (string | [string, string])[] = [
    "get pods",
    "get pods -o wide",
    "get nodes",
    "get nodes -o wide",
    "get deployments",
    "get rs",
    "get services",
    "get deploy,rs",
    "get all",
    "get svc",
    "get pods --show-labels",
    "get pods -A",
    "get pods -l app=kubernetes-bootcamp",
    "get pods -l version=v1",
    "get services -l app=kubernetes-bootcamp",
    "get pods --field-selector=status.phase=Running",
    "get pods --field-selector status.phase=Pending",
    "get pods -A --sort-by=.metadata.name",
    "get pods -A --sort-by=.metadata.creationTimestamp",
    "get pods -n kube-system --sort-by=.status.startTime -o wide",
    "get pods -A --sort-by=.metadata.name -o name",
    "get pods -A --sort-by={.metadata.name} -o custom-columns=NAME:.metadata.name",
    "get pods --sort-by=.nosuch",
    "describe pods",
    "describe nodes",
    "describe deployment",
    "describe deployment kubernetes-bootcamp",
    "describe deployments/kubernetes-bootcamp",
    "describe rs",
    "describe svc kubernetes",
    "describe services/kubernetes-bootcamp",
    "describe pods nosuch",
    "describe deployment nosuch",
    "describe nosuch",
    "describe ns default",
    "describe endpoints kubernetes",
    "get pods -o yaml",
    "get pods -o json",
    "get deploy kubernetes-bootcamp -o yaml",
    "get nodes -o name",
    "api-versions",
    "get pod nosuch",
    "get pods nosuch other",
    "get pods -o jsonpath={.items[*].metadata.name}",
    'get pods -o go-template={{range.items}}{{.metadata.name}}{{"\\n"}}{{end}}',
    'get pods -o go-template --template {{range.items}}{{.metadata.name}}{{"\\n"}}{{end}}',
    "get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP",
    "get ns",
    "get events",
    "api-resources",
    "explain pod",
    "explain pod.spec.containers",
    "explain deployment.spec.strategy",
    "explain deployment.spec.strategy --recursive",
    "explain pod.spec.containers.resources --recursive",
    "explain deployment --api-version=apps/v1",
    "explain svc.spec.ports.targetPort",
    "explain pod.metadata.labels",
    "explain pod.spec.x",
    "get foo",
    "get",
    "logs",
    "exec",
    "logs nosuch",
    "logs deployment/kubernetes-bootcamp",
    "logs deployment/nosuch",
    ["logs POD", "logs {POD}"],
    ["logs POD --tail=1", "logs {POD} --tail=1"],
    ["logs POD -c nosuch", "logs {POD} -c nosuch"],
    ["exec POD", "exec {POD}"],
    ["exec POD env", "exec {POD} env"],
    ["exec -ti POD bash", "exec -ti {POD} bash"],
    "exec nosuch -- env",
    ["exec POD -- env", "exec {POD} -- env"],
    ["exec POD -- cat /server.js", "exec {POD} -- cat /server.js"],
    ["exec POD -- curl -s localhost:8080", "exec {POD} -- curl -s localhost:8080"],
    ["exec POD -- false", "exec {POD} -- false"],
    ["exec POD -c nosuch -- env", "exec {POD} -c nosuch -- env"],
    "scale deployments/kubernetes-bootcamp",
    "scale",
    "cluster-info",
    "version --client",
    // completion's argument errors (what it prints for a shell is this classroom's own)
    "completion",
    "completion foo",
    "completion bash zsh",
    "get pods -o nosuch",
    "describe",
    ...(NOT_COMPARED["get --foo"] ? [] : ["get --foo"]),
    // wait: conditions met, not met within --timeout, and its argument errors
    ["wait --for=condition=Ready POD", "wait --for=condition=Ready pod/{POD}"],
    "wait --for=condition=Ready pods --all",
    "wait --for=condition=Ready pod -l app=kubernetes-bootcamp --timeout=5s",
    "wait --for=condition=Available deployment/kubernetes-bootcamp",
    ["wait --for=condition=Nope POD --timeout=1s", "wait --for=condition=Nope pod/{POD} --timeout=1s"],
    [
      "wait --for=condition=Ready=false POD --timeout=1s",
      "wait --for=condition=Ready=false pod/{POD} --timeout=1s",
    ],
    [
      "wait --for=jsonpath={.status.phase}=Running POD",
      "wait --for=jsonpath={.status.phase}=Running pod/{POD}",
    ],
    "wait --for=jsonpath={.status.phase} pods --all",
    "wait --for=delete pod/nosuch --timeout=2s",
    "wait --for=delete pod -l app=nosuch",
    "wait --for=condition=Ready pod nosuch other",
    "wait --for=condition=Ready pods",
    "wait --for=condition=Ready",
    "wait pod/x",
    "wait --for=foo pod/x",
    "wait --for=condition=Ready pod/x --timeout=10",
    "wait --for=condition=Ready pod/x --timeout=abc",
    // a name with a selector is refused before any request
    "wait --for=condition=Ready deploy kubernetes-bootcamp pod -l x=y",
    "get pods nosuch -l app=x",
    "get pods/nosuch -l app=x",
    "get nosuchtype x -l a=b",
    "describe pod nosuch -l a=b",
    "delete pod nosuch -l app=x",
    "delete pods nosuch --all",
    "label pod nosuch a=b -l y=z",
    "scale deploy nosuch --replicas=1 -l a=b",
    // JSONPath's range without a space after it
    "get pods -o jsonpath={range.items[*]}{.metadata.name}{end}",
    "get pods -o=jsonpath={range.items[*]}[{.metadata.name}]{end}",
    'get pods -o jsonpath={range.items[*]}{.metadata.name}{"\\n"}{end}',
    // componentstatuses with the API server's deprecation warning
    "get cs",
    "get componentstatuses -o wide",
    "get cs etcd-0",
    "get cs nosuch",
    // auth can-i through a SelfSubjectAccessReview (minikube's user may do everything)
    "auth can-i create pods",
    "auth can-i get pods --all-namespaces",
    "auth can-i list deployments.apps -n kube-system",
    "auth can-i delete deployments/kubernetes-bootcamp",
    "auth can-i get pods/x --subresource=log",
    "auth can-i get /logs",
    "auth can-i -q create pods",
    "auth can-i foo bar",
    "auth can-i",
    "auth can-i get",
    "auth can-i --list",
    // minikube without the metrics-server addon
    "top pods",
    "top nodes",
    "top pod nosuch",
  ];
  for (const c of commands) {
    const [name, template] = typeof c === "string" ? [c, c] : c;
    it(name, async () => {
      const at = port();
      // same wall-clock instant for both, so ages (and so column widths) agree
      clock.set(Date.now());
      cluster.tick();
      await compare({
        name,
        line: template.replace("{POD}", podOf(cluster)),
        port: at,
        ours: (args) =>
          args[0] === "exec" && args.includes("--")
            ? inWorkstation(cluster, clock, args)
            : args[0] === "wait"
              ? // wait polls until its --timeout: real timers on the wall clock
                runKubectl(args, {
                  api: cluster.handle,
                  clock: wall,
                  scheduler: realTimers,
                })
              : runKubectl(args, { api: cluster.handle, clock }),
      });
    });
  }
});

/**
 * Mutations, modules 2 and 4–6 in order: the real client on one cluster, ours on a twin (same
 * scenario, same seed, same clock), then both read back.
 */
describe.skipIf(!available)("mutations: real kubectl vs ours on twin clusters", () => {
  // The clusters' clock starts 15 minutes back and is advanced by hand; both clients measure
  // ages on the wall clock, so they agree.
  const t = twins("explore-app", 9, 15 * 60_000);
  // [line, seconds to advance the shared clock before it]
  const steps: [string, number][] = [
    ["expose deployment/kubernetes-bootcamp --type=NodePort --port 8080", 0],
    ["expose deployment/kubernetes-bootcamp --type=NodePort --port 8080", 0],
    ["get services", 0],
    ["describe services/kubernetes-bootcamp", 0],
    ["get services/kubernetes-bootcamp -o go-template={{(index .spec.ports 0).nodePort}}", 0],
    ["label pods {POD} version=v1", 0],
    ["label pods {POD} version=v1", 0],
    ["get pods -l version=v1", 0],
    ["describe pods {POD}", 0],
    ["delete service -l app=kubernetes-bootcamp --wait=false", 0],
    ["get services", 0],
    ["scale deployments/kubernetes-bootcamp --replicas=4", 0],
    ["get deployments", 30],
    ["get pods -o wide --sort-by=.metadata.name", 0],
    ["logs deployment/kubernetes-bootcamp", 0],
    ["describe deployments/kubernetes-bootcamp", 0],
    ["scale deployments/kubernetes-bootcamp --replicas=2", 0],
    ["get deployments", 60],
    [
      "set image deployments/kubernetes-bootcamp kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2",
      0,
    ],
    ["rollout status deployments/kubernetes-bootcamp", 120],
    ["rollout history deployments/kubernetes-bootcamp", 0],
    [
      "set image deployments/kubernetes-bootcamp kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10",
      0,
    ],
    ["get pods --sort-by=.metadata.name", 60],
    ["rollout undo deployments/kubernetes-bootcamp", 0],
    ["rollout status deployments/kubernetes-bootcamp", 120],
    ["annotate deployment kubernetes-bootcamp note=x", 0],
    ["scale deployments/kubernetes-bootcamp", 0],
    ["delete deployment nosuch", 0],
    ["get pods --sort-by=.metadata.name -o name", 0],
    ["get pods --sort-by=.status.startTime", 0],
    // describe in each state of a rollout: fresh image change, mid-rollout, after undo
    [
      "set image deployments/kubernetes-bootcamp kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2",
      0,
    ],
    ["describe deployments/kubernetes-bootcamp", 0],
    ["describe deployments/kubernetes-bootcamp", 5],
    ["rollout undo deployments/kubernetes-bootcamp", 120],
    ["describe deployments/kubernetes-bootcamp", 0],
    ["describe deployments/kubernetes-bootcamp", 120],
    ["describe rs", 0],
    // annotate that changes nothing still says `annotated` (label says `not labeled`)
    ["annotate deployment kubernetes-bootcamp note=y", 0],
    ["annotate deployment kubernetes-bootcamp note=y", 0],
    ["annotate deployment kubernetes-bootcamp nosuch-", 0],
    ["label deployment kubernetes-bootcamp app=kubernetes-bootcamp", 0],
    ["label deployment kubernetes-bootcamp nosuch-", 0],
    // what a learner types next
    ["get deploy -o jsonpath={.items[*].spec.template.spec.containers[*].image}", 0],
    ["logs -l app=kubernetes-bootcamp --tail=1", 0],
    ["logs -l app=nosuch", 0],
    ["logs -l app=kubernetes-bootcamp {POD}", 0],
    ["label pods {POD} version=v2", 0],
    ["label pods {POD} version=v2 --overwrite", 0],
    ["get pods -L version --sort-by=.metadata.name", 0],
    ["rollout pause deployments/kubernetes-bootcamp", 0],
    ["rollout pause deployments/kubernetes-bootcamp", 0],
    ["rollout resume deployments/kubernetes-bootcamp", 0],
    ["rollout resume deployments/kubernetes-bootcamp", 0],
    ["rollout history deployments/kubernetes-bootcamp --revision=1", 0],
    ["get all", 30],
    ["delete pods --all --wait=false", 0],
    ["get deploy kubernetes-bootcamp -o jsonpath={.status.replicas}", 0],
  ];
  t.compare(
    "",
    steps.map(([step]) => step),
    {
      before: (i) => {
        t.clock.set(t.clock.now() + (steps[i]?.[1] ?? 0) * 1000);
        t.tick();
      },
      line: (step) => t.fill(step),
    },
  );
});

/** Module 2 on a fresh cluster: create deployment through the real client's write path. */
describe.skipIf(!available)("module 2: create deployment on twin empty clusters", () => {
  const t = twins("empty", 5);
  const steps = [
    "get deployments",
    "get nodes",
    "create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1",
    "create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1",
    "create deployment",
    "get deployments",
  ];
  t.compare("m2", steps, {
    ours: (args) => runKubectl(args, { api: t.b.handle, clock: t.clock }),
    before: () => t.clock.set(Math.max(t.clock.now(), Date.now())),
  });
});

/**
 * `--dry-run=client|server` on every mutating verb: the same output as kubectl (`(dry run)`,
 * `(server dry run)`, or the object that would be sent with `-o`), and neither store changes:
 * the resourceVersion of both twins is the same before and after.
 */
describe.skipIf(!available)("dry run: real kubectl vs ours, nothing changes", () => {
  const t = twins("explore-app", 11, 5 * 60_000);
  const rv = (c: Cluster): string => JSON.parse(apiGet(c, "/api/v1/pods")).metadata.resourceVersion;
  const lines: string[] = [];
  for (const d of ["client", "server"]) {
    lines.push(
      `create deployment web --image=nginx --dry-run=${d}`,
      `create deployment web --image=nginx --dry-run=${d} -o yaml`,
      `create deployment web --image=nginx --dry-run=${d} -o name`,
      `create namespace ns1 --dry-run=${d}`,
      `create namespace ns1 --dry-run=${d} -o yaml`,
      `expose deployment/kubernetes-bootcamp --type=NodePort --port 8080 --dry-run=${d}`,
      `expose deployment/kubernetes-bootcamp --type=NodePort --port 8080 --dry-run=${d} -o yaml`,
      `scale deployments/kubernetes-bootcamp --replicas=4 --dry-run=${d}`,
      `label pods {POD} version=v1 --dry-run=${d}`,
      `label deployment kubernetes-bootcamp app=kubernetes-bootcamp --dry-run=${d}`,
      `annotate deployment kubernetes-bootcamp note=x --dry-run=${d}`,
      `set image deployments/kubernetes-bootcamp kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2 --dry-run=${d}`,
      `delete deployment kubernetes-bootcamp --dry-run=${d}`,
      `delete pod {POD} --dry-run=${d}`,
      `delete service kubernetes --dry-run=${d} -o name`,
      `run nginx --image=nginx --dry-run=${d}`,
      `run nginx --image=nginx --dry-run=${d} -o yaml`,
    );
  }
  lines.push(
    // how a learner writes a first manifest
    "create deployment web --image=nginx --dry-run=client -o json",
    "create deployment web --image=nginx --port=80 --replicas=3 --dry-run=client -o yaml",
    "create deployment web --image=nginx --dry-run",
    "create deployment web --image=nginx --dry-run=maybe",
    "expose deployment/kubernetes-bootcamp --type=NodePort --port 8080 --dry-run=client -o json",
    "run nginx --image=nginx --dry-run=client -o json",
    "run nginx --image=nginx --port=80 --env=A=1 --env=B=2 --labels=x=y,z=w --restart=Never --dry-run=client -o yaml",
    "run busybox --image=busybox --restart=Never --dry-run=client -o yaml -- sh -c 'echo hi'",
    "run busybox --image=busybox --command --dry-run=client -o yaml -- sleep 3600",
    "run busybox --image=busybox -it --rm --dry-run=client",
    "label deployment kubernetes-bootcamp a=b --dry-run=client -o json",
    "set image deployments/kubernetes-bootcamp kubernetes-bootcamp=nginx --dry-run=client -o yaml",
    "scale deployments/kubernetes-bootcamp --replicas=4 --dry-run=client -o yaml",
    "delete deployment kubernetes-bootcamp --dry-run=client -o yaml",
  );
  t.compare("dry", lines, {
    line: (step) => t.fill(step),
    around: async (run) => {
      const before = [rv(t.a), rv(t.b)];
      await run();
      expect([rv(t.a), rv(t.b)]).toEqual(before);
    },
  });
});

/**
 * `kubectl top` once `minikube addons enable metrics-server` (run in each twin's workstation)
 * has its deployment available: metrics.k8s.io is served and both clients print the same figures.
 */
describe.skipIf(!available)("metrics-server addon: top on twin clusters", () => {
  const t = twins("explore-app", 13, 10 * 60_000);
  beforeAll(async () => {
    for (const c of [t.a, t.b]) {
      const ws = workstationOn(c, t.clock);
      const r = await runLine(ws.openShell("addons"), "minikube addons enable metrics-server");
      expect(r.exitCode).toBe(0);
      ws.dispose();
    }
    t.clock.set(t.clock.now() + 90_000);
    t.tick();
  });
  t.compare("top", [
    "api-versions",
    "get deploy -n kube-system metrics-server",
    "top pods",
    "top nodes",
    "top pods -A",
    "top pods -A --sort-by=cpu",
    "top pods -A --sort-by=memory --no-headers",
    "top pods --containers",
    "top pods -l app=kubernetes-bootcamp",
    "top node minikube",
    "top pod nosuch",
    "top pod x -l a=b",
  ]);
});

/**
 * Unknown commands: with `--server` on its command line the real client takes the word for a
 * plugin's name, so it reads the server from a kubeconfig file instead, as a learner's does.
 */
describe.skipIf(!available)("unknown commands: real kubectl (kubeconfig) vs ours", () => {
  const clock = new ManualClock(Date.now());
  const cluster = Cluster.create({ scenario: "explore-app", seed: 3, clock });
  const port = served(cluster);
  const dir = mkdtempSync(join(tmpdir(), "kubeclass-diff-"));
  beforeAll(() => {
    writeFileSync(
      join(dir, "config"),
      `apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "http://127.0.0.1:${port()}"}\n  name: c\ncontexts:\n- context: {cluster: c, user: u}\n  name: c\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n`,
    );
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  for (const line of ["foo", "gett pods", "rollouts", "desribe pods", "lgs", "exposee", "xyzzy"]) {
    it(`unknown: ${line}`, async () => {
      await compare({
        name: `unknown: ${line}`,
        line,
        kubeconfig: join(dir, "config"),
        ours: (args) => runKubectl(args, { api: cluster.handle, clock }),
        mask: false,
      });
    });
  }
});

/**
 * Manifests: apply/create/delete -f on twin clusters. The real client reads the files from a
 * temporary directory; ours reads the same absolute paths in a workstation's virtual files.
 * The real client validates (`--validate=strict`, its default) against the OpenAPI v3
 * documents the simulated API serves.
 */
describe.skipIf(!available)("manifests: apply/create/delete -f on twin clusters", () => {
  const t = twins("explore-app", 11);
  const dir = mkdtempSync(join(tmpdir(), "kubectl-manifests-"));
  const ws = workstationOn(t.b, t.clock);
  const deploy = (replicas: number): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app: hello\n  template:\n    metadata:\n      labels:\n        app: hello\n    spec:\n      containers:\n      - name: hello\n        image: gcr.io/google-samples/kubernetes-bootcamp:v1\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: hello\nspec:\n  selector:\n    app: hello\n  ports:\n  - port: 8080\n`;
  const typo = (replicas: string, protocol: string): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: typo\nspec:\n  ${replicas}\n  selector:\n    matchLabels:\n      app: typo\n  template:\n    metadata:\n      labels:\n        app: typo\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        ports:\n        - containerPort: 80\n          ${protocol}: TCP\n`;
  const files: Record<string, string> = {
    "d.yaml": deploy(2),
    "d3.yaml": deploy(3),
    "mix.yaml":
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\ndata:\n  a: "1"\n---\napiVersion: v1\nkind: Podd\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c2\n',
    "bad.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: 1\n",
    "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: piped\n",
    "tab.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: t\n",
    "colon.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\n  labels: a: b\n",
    "indent.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\n    labels:\n      a: b\n",
    "dup.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  a: x1\n  a: x2\n",
    "text.yaml": "just text\n",
    // a learner's typos: server-side field validation (kubectl's default --validate=strict)
    "typo.yaml": typo("replica: 2", "protocl"),
    "typo-ok.yaml": typo("replicas: 2", "protocol"),
    "typo3.yaml": typo("replica: 3", "protocol"),
    "cm-typo.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cmt\ndate:\n  a: b\n",
  };
  beforeAll(() => {
    ws.files.mkdir(dir);
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      ws.files.write(`${dir}/${name}`, text, false);
    }
  });
  afterAll(() => {
    ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const steps: [string, string?][] = [
    ["apply -f DIR/d.yaml"],
    ["apply -f DIR/d.yaml"],
    ["apply -f DIR/d3.yaml"],
    ["get deploy hello -o jsonpath={.spec.replicas}"],
    ["create -f DIR/d.yaml"],
    // kind Podd is in no v3 document: the real client then asks /openapi/v2, which is not served
    ["apply --validate=false -f DIR/mix.yaml"],
    ["create --validate=false -f DIR/mix.yaml"],
    ["delete -f DIR/mix.yaml"],
    ["apply -f DIR/bad.yaml"],
    ["apply -f DIR/tab.yaml"],
    ["apply -f DIR/colon.yaml"],
    ["apply -f DIR/indent.yaml"],
    ["apply -f DIR/dup.yaml"],
    ["get cm dup -o jsonpath={.data.a}"],
    ["apply -f DIR/text.yaml"],
    ["apply --validate=false -f DIR/text.yaml"],
    ["apply -f DIR/nope.yaml"],
    ["apply"],
    ["create -f DIR/nope.yaml"],
    ["apply -f -", files["cm.yaml"]],
    ["delete -f DIR/d.yaml --wait=false"],
    ["delete -f DIR/d.yaml"],
    // unknown fields: Strict refuses, Warn warns and drops them, Ignore drops them silently
    ["create -f DIR/typo.yaml"],
    ["apply -f DIR/typo.yaml"],
    ["apply --validate=true -f DIR/typo.yaml"],
    ["create --validate=warn -f DIR/typo.yaml"],
    ["get deploy typo -o jsonpath={.spec.replicas}"],
    ["get deploy typo -o jsonpath={.spec.template.spec.containers[0].ports}"],
    // a patch of an object the server has: the patch handler's Invalid, `map[…]` and all
    ["apply -f DIR/typo.yaml"],
    ["apply --validate=warn -f DIR/typo.yaml"],
    ["apply -f DIR/typo-ok.yaml"],
    ["apply -f DIR/typo3.yaml"],
    ["apply --validate=warn -f DIR/typo3.yaml"],
    ["get deploy typo -o jsonpath={.spec.replicas}"],
    ["apply --validate=ignore -f DIR/typo.yaml"],
    ["apply --validate=nope -f DIR/typo.yaml"],
    ["create --validate=False -f DIR/cm-typo.yaml"],
    ["apply -f DIR/cm-typo.yaml"],
    ["delete -f DIR/cm-typo.yaml"],
    ["apply -f DIR/cm-typo.yaml"],
    ["delete -f DIR/typo.yaml"],
    // an object that fails the server's validation: CheckErr's `The Deployment "x" is invalid`
    [
      "create -f -",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: inv\nspec:\n  selector:\n    matchLabels:\n      app: inv\n  template:\n    metadata:\n      labels:\n        app: inv\n    spec:\n      containers:\n      - name: inv\n",
    ],
    [
      "apply -f -",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: inv\nspec:\n  selector:\n    matchLabels:\n      app: inv\n  template:\n    metadata:\n      labels:\n        app: inv\n    spec:\n      containers:\n      - name: inv\n",
    ],
  ];
  t.compare(
    "f",
    steps.map(([step]) => step),
    {
      ours: inShell(ws.openShell("manifests")),
      before: () => t.clock.set(Math.max(t.clock.now(), Date.now())),
      line: (step) => step.replaceAll("DIR", dir),
      stdin: (i) => steps[i]?.[1],
      known: (step) => KNOWN[step],
      dir,
    },
  );
});

/**
 * `--sort-by` with many equal keys: kubectl sorts with Go's unstable sort.Sort, so rows with the
 * same key come out in the order its pdqsort leaves them (more than 12 rows leave insertion sort).
 * 20 running pods and 15 pending ones; their events share reasons and timestamps.
 */
describe.skipIf(!available)("--sort-by with equal keys on twin clusters", () => {
  const t = twins("empty", 5, 5 * 60_000);
  beforeAll(async () => {
    const image = "--image=gcr.io/google-samples/kubernetes-bootcamp:v1";
    for (const [name, replicas, after] of [
      ["web", 20, 60_000],
      ["zed", 15, 1000],
    ] as const) {
      for (const c of [t.a, t.b])
        await runKubectl(["create", "deployment", name, image, `--replicas=${replicas}`], {
          api: c.handle,
          clock: t.clock,
        });
      t.clock.set(t.clock.now() + after);
      t.tick();
    }
  });
  t.compare("sort", [
    "get pods -o name",
    "get pods --sort-by=.status.phase",
    "get pods --sort-by=.status.phase -o name",
    "get pods --sort-by=.metadata.creationTimestamp -o name",
    "get events --sort-by=.lastTimestamp",
    "get events --sort-by=.lastTimestamp -o name",
    "get events --sort-by=.reason",
    "get events --sort-by=.count -o name",
  ]);
});

/**
 * `kubectl cp` both ways on twin clusters: the real client runs `tar` in the pod over the exec
 * websocket (the server's container shells), ours through the workstation's; the local side is a
 * temporary directory on disk for the real client and the same absolute paths in the workstation's
 * virtual files for ours. After the steps both local trees and both containers' files agree.
 */
describe.skipIf(!available)("cp: real kubectl vs ours on twin clusters", () => {
  const t = twins("explore-app", 17, 5 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), "kubectl-cp-"));
  const ws = workstationOn(t.b, t.clock);
  const shell = ws.openShell("cp");
  const local: Record<string, string> = {
    "a.txt": "héllo wörld\n",
    "loc/one.txt": "one\n",
    "loc/sub/two.txt": "two\n",
  };
  beforeAll(async () => {
    ws.files.mkdir(dir);
    for (const [name, text] of Object.entries(local)) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      let d = "";
      for (const part of dirname(path).split("/").filter(Boolean)) {
        d += `/${part}`;
        if (!ws.files.isDir(d)) ws.files.mkdir(d);
      }
      ws.files.write(path, text, false);
    }
    expect((await runLine(shell, `cd ${dir}`)).exitCode).toBe(0);
  });
  afterAll(() => {
    ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const steps = [
    // from the pod: tar's warning on stdout, the file written locally
    "cp POD:/server.js DIR/server.js",
    "cp POD:/server.js server2.js",
    "cp POD:etc/hostname DIR/hostname",
    "cp default/POD:/etc/resolv.conf resolv.conf",
    "cp POD:/etc DIR/etc",
    "cp POD:/etc/ etc2",
    // a missing file: tar's errors, and kubectl ends at the end of the (empty) archive
    "cp POD:/nosuch DIR/x",
    "cp POD:/server.js DIR",
    "cp POD:/server.js DIR/deep/er/server.js",
    // into the pod: `test -d`, then tar -xmf - -C DIR in the container
    "cp DIR/a.txt POD:/tmp/a.txt",
    "exec POD -- cat /tmp/a.txt",
    "cp a.txt POD:/tmp",
    "exec POD -- cat /tmp/a.txt",
    "cp loc POD:/tmp/",
    "exec POD -- cat /tmp/loc/one.txt /tmp/loc/sub/two.txt",
    "cp loc POD:/opt/copy",
    "exec POD -- cat /opt/copy/sub/two.txt",
    "cp a.txt POD:rel.txt",
    "exec POD -- cat /rel.txt",
    "cp --no-preserve a.txt POD:/tmp/np.txt",
    "exec POD -- cat /tmp/np.txt",
    "cp a.txt POD:/nosuchdir/x.txt",
    // round trip: what went in comes back out
    "cp POD:/tmp/loc back",
    // mistakes
    "cp nope POD:/tmp",
    "cp a.txt nosuch:/tmp/x",
    "cp nosuch:/x y",
    "cp -c nosuch POD:/server.js y",
    "cp a.txt b.txt",
    "cp POD:/x POD:/y",
    "cp POD: x",
    "cp :x y",
    "cp a/b/c:x y",
    "cp a.txt",
    "cp",
  ];
  // kubectl stops reading at the end of the archive and exits: whether tar's error lines (on
  // stderr around the empty archive) reach it first varies from run to run
  const racy: Known = {
    reason:
      "tar's stderr lines race the real client's exit (at the end of the archive, or on its local error): they are not compared",
    adjust: (s) =>
      s.replace(
        /^(tar: (\/nosuch: Cannot stat|Exiting with failure status|Removing leading)|E<klog> websocket\.go).*\n/gm,
        "",
      ),
  };
  t.compare("cp", steps, {
    ours: inShell(shell),
    line: (step) => t.fill(step, "POD").replaceAll("DIR", dir),
    // every copy out of a pod by an absolute path: tar says it removes the leading `/` on stderr
    // (seen missing from the real client's output for `cp POD:/server.js server2.js` in one run)
    // (the source and destination are read apart: `" POD:"` is in every `cp POD:…` line itself)
    known: (step) => {
      const [, from, to] = step.split(" ");
      return from?.startsWith("POD:/") && !to?.includes("POD:") ? racy : undefined;
    },
    dir,
  });
  it("cp: both local trees hold the same files", () => {
    const onDisk: Record<string, string> = {};
    const walk = (p: string): void => {
      for (const e of readdirSync(p, { withFileTypes: true })) {
        const full = join(p, e.name);
        if (e.isDirectory()) {
          onDisk[`${full.slice(dir.length)}/`] = "";
          walk(full);
        } else onDisk[full.slice(dir.length)] = readFileSync(full, "utf8");
      }
    };
    walk(dir);
    const virtual: Record<string, string> = {};
    const walkV = (p: string): void => {
      const names = ws.files.list(p);
      for (const n of Array.isArray(names) ? names : []) {
        const full = `${p}/${n}`;
        if (ws.files.isDir(full)) {
          virtual[`${full.slice(dir.length)}/`] = "";
          walkV(full);
        } else virtual[full.slice(dir.length)] = String(ws.files.read(full));
      }
    };
    walkV(dir);
    expect(Object.keys(virtual).sort()).toEqual(Object.keys(onDisk).sort());
    expect(virtual).toEqual(onDisk);
    expect(onDisk["/etc/hostname"]).toBe(`${podOf(t.a)}\n`);
    expect(onDisk["/back/sub/two.txt"]).toBe("two\n");
  });
});

/**
 * `--sort-by` on resource quantities: kubectl's sorter compares two strings that both parse as
 * quantities by value (`100m` < `0.5` < `1` < `1500m`, `500M` < `1Gi`), others naturally.
 */
describe.skipIf(!available)("--sort-by on quantities on twin clusters", () => {
  const t = twins("empty", 19, 5 * 60_000);
  // name, cpu request, memory request, memory limit
  const pods: [string, string, string, string?][] = [
    ["web-a", "100m", "64Mi", "128Mi"],
    ["web-b", "1", "1Gi"],
    ["web-c", "250m", "500M", "1G"],
    ["web-d", "1500m", "128974848", "2Gi"],
    ["web-e", "0.5", "2G"],
    ["10", "2", "1Ki"],
    ["9", "3", "1k"],
    ["1e3", "1e-1", "1e3"],
  ];
  beforeAll(() => {
    for (const c of [t.a, t.b]) {
      for (const [name, cpu, memory, limit] of pods) {
        const res = createPod(c, { name, labels: { app: "q" } }, [
          {
            name: "c",
            image: "nginx",
            resources: { requests: { cpu, memory }, ...(limit ? { limits: { memory: limit } } : {}) },
          },
        ]);
        expect(res.status).toBe(201);
      }
    }
    t.clock.set(t.clock.now() + 30_000);
    t.tick();
  });
  t.compare("quantity", [
    "get pods --sort-by=.spec.containers[0].resources.requests.cpu -o name",
    "get pods --sort-by=.spec.containers[0].resources.requests.memory -o name",
    "get pods --sort-by=.spec.containers[0].resources.limits.memory -o name",
    "get pods --sort-by={.spec.containers[*].resources.requests.cpu} -o custom-columns=NAME:.metadata.name,CPU:.spec.containers[0].resources.requests.cpu",
    "get pods --sort-by=.metadata.name -o name",
    "get nodes --sort-by=.status.capacity.memory -o name",
    "get nodes --sort-by=.status.allocatable.cpu -o custom-columns=NAME:.metadata.name,CPU:.status.allocatable.cpu",
  ]);
});
