import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../cluster/types";
import type { Program } from "../shell/types";
import { FlagError, type FlagSpec, parseFlags } from "./flags";
import { kubectl } from "./index";
import { executeGoTemplate, goFloat } from "./printers/go-template";
import { goJson } from "./printers/json";
import { executeJsonPath } from "./printers/jsonpath";
import { printTable } from "./printers/table";
import { toYaml, yamlKeyLess } from "./printers/yaml";
import { tabwrite } from "./tabwriter";
import { fixtureTransport, runKubectl } from "./testing";
import { humanDuration } from "./time";

const specs: FlagSpec[] = [
  { name: "output", short: "o", kind: "string", def: "" },
  { name: "namespace", short: "n", kind: "string", def: "" },
  { name: "all-namespaces", short: "A", kind: "bool", def: "false" },
  { name: "stdin", short: "i", kind: "bool", def: "false" },
  { name: "tty", short: "t", kind: "bool", def: "false" },
  { name: "selector", short: "l", kind: "string", def: "" },
  { name: "replicas", kind: "int", def: "0" },
];

describe("flag parser (pflag semantics)", () => {
  it("accepts every spelling of a value flag", () => {
    for (const argv of [["-o", "yaml"], ["-oyaml"], ["-o=yaml"], ["--output=yaml"], ["--output", "yaml"]])
      expect(parseFlags(argv, specs).str("output")).toBe("yaml");
  });
  it("combines boolean shorthands and interleaves args", () => {
    const f = parseFlags(["exec", "-ti", "pod", "-n", "kube-system", "--", "bash", "-l"], specs);
    expect(f.bool("stdin") && f.bool("tty")).toBe(true);
    expect(f.str("namespace")).toBe("kube-system");
    expect(f.args).toEqual(["exec", "pod", "bash", "-l"]);
    expect(f.argsLenAtDash).toBe(2);
  });
  it("reports pflag's errors", () => {
    expect(() => parseFlags(["--foo"], specs)).toThrow("unknown flag: --foo");
    expect(() => parseFlags(["-Ax"], specs)).toThrow("unknown shorthand flag: 'x' in -Ax");
    expect(() => parseFlags(["-o"], specs)).toThrow("flag needs an argument: 'o' in -o");
    expect(() => parseFlags(["--replicas=abc"], specs)).toThrow(
      'invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    );
  });
  it("never throws anything but a FlagError (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string(), fc.constantFrom("-", "--", "-o", "-ti", "--output=", "-A", "--replicas")),
        ),
        (argv) => {
          try {
            parseFlags(argv, specs);
          } catch (e) {
            if (
              !(e instanceof FlagError) &&
              !(e instanceof Error && e.name === "Error" && e.constructor.name === "HelpRequested")
            )
              throw e;
          }
        },
      ),
    );
  });
  it("kubectl always yields an exit code for any argv (property)", async () => {
    const api = fixtureTransport(new Map());
    const clock = new ManualClock(0);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.constantFrom("get", "pods", "-o", "yaml", "--", "exec", "logs", "-l", "describe"),
          ),
        ),
        async (argv) => {
          const r = await runKubectl(argv, { api, clock });
          expect(Number.isInteger(r.code)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("tabwriter", () => {
  it("aligns column blocks like Go's text/tabwriter", () => {
    expect(tabwrite("a\tbb\tc\naaa\tb\tc\n", { minWidth: 0, padding: 2 })).toBe("a    bb  c\naaa  b   c\n");
    // a line without tabs ends the block
    expect(tabwrite("a\tx\nno tabs\nlonger\ty\n", { minWidth: 0, padding: 2 })).toBe(
      "a  x\nno tabs\nlonger  y\n",
    );
  });
});

describe("table printer", () => {
  const table = {
    columns: [
      { name: "Name", type: "string", format: "name", priority: 0 },
      { name: "Ready", type: "string", format: "", priority: 0 },
      { name: "IP", type: "string", format: "", priority: 1 },
    ],
    rows: [
      {
        cells: ["web", "1/1", "10.244.0.3"],
        object: { metadata: { namespace: "default", labels: { app: "web" } } },
      },
    ],
  };
  const base = { wide: false, noHeaders: false, showLabels: false, labelColumns: [], withNamespace: false };
  it("hides priority-1 columns unless wide", () => {
    expect(printTable(table, base)).toBe("NAME   READY\nweb    1/1\n");
    expect(printTable(table, { ...base, wide: true })).toBe("NAME   READY   IP\nweb    1/1     10.244.0.3\n");
  });
  it("adds namespace, labels and kind prefixes", () => {
    expect(printTable(table, { ...base, withNamespace: true, showLabels: true, kindPrefix: "pod" })).toBe(
      "NAMESPACE   NAME      READY   LABELS\ndefault     pod/web   1/1     app=web\n",
    );
    expect(printTable(table, { ...base, noHeaders: true })).toBe("web   1/1\n");
  });
});

describe("jsonpath", () => {
  const data = {
    items: [
      { metadata: { name: "a" }, status: { phase: "Running" } },
      { metadata: { name: "b" }, status: { phase: "Pending" } },
    ],
  };
  it("supports wildcards, ranges, filters and escapes", () => {
    expect(executeJsonPath("{.items[*].metadata.name}", data)).toBe("a b");
    expect(executeJsonPath('{range .items[*]}{.metadata.name}{"\\n"}{end}', data)).toBe("a\nb\n");
    expect(executeJsonPath('{.items[?(@.status.phase=="Running")].metadata.name}', data)).toBe("a");
    expect(executeJsonPath("{.items[-1].metadata.name}", data)).toBe("b");
    expect(executeJsonPath("{.items[0].metadata}", data)).toBe('{"name":"a"}');
    expect(executeJsonPath("{..name}", data)).toBe("a b");
    expect(executeJsonPath("{.missing}", data)).toBe("");
  });
});

describe("go-template", () => {
  const data = {
    items: [{ metadata: { name: "a", labels: { app: "x" } } }, { metadata: { name: "b" } }],
    count: 83642968,
  };
  it("runs the tutorial subset", () => {
    expect(executeGoTemplate('{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}', data)).toBe("a\nb\n");
    expect(executeGoTemplate("{{(index .items 0).metadata.name}}", data)).toBe("a");
    expect(executeGoTemplate("{{len .items}}", data)).toBe("2");
    expect(executeGoTemplate("{{range $i, $p := .items}}{{$i}}={{$p.metadata.name}} {{end}}", data)).toBe(
      "0=a 1=b ",
    );
    expect(executeGoTemplate("{{if .items}}yes{{else}}no{{end}}", data)).toBe("yes");
    expect(executeGoTemplate('{{printf "%s-%d" "x" 3}}', data)).toBe("x-3");
    expect(executeGoTemplate("{{.nope}}", data)).toBe("<no value>");
    expect(executeGoTemplate('{{range .items}}{{ index .metadata "name" }}{{- "\\n" -}}{{end}}', data)).toBe(
      "a\nb\n",
    );
    expect(executeGoTemplate("{{.count}}", data)).toBe("8.3642968e+07");
  });
  it("formats float64 like Go's %v", () => {
    expect(goFloat(1)).toBe("1");
    expect(goFloat(123456)).toBe("123456");
    expect(goFloat(1e6)).toBe("1e+06");
    expect(goFloat(0.5)).toBe("0.5");
  });
});

describe("yaml emitter (sigs.k8s.io/yaml style)", () => {
  it("quotes what go-yaml would resolve to another type", () => {
    expect(
      toYaml({
        a: "1",
        b: "true",
        c: "",
        d: "2026-11-30T02:55:00Z",
        e: "25%",
        f: "2026_11_30T02_25_14_0000",
        g: "*",
      }),
    ).toBe(
      'a: "1"\nb: "true"\nc: ""\nd: "2026-11-30T02:55:00Z"\ne: 25%\nf: 2026_11_30T02_25_14_0000\ng: \'*\'\n',
    );
  });
  it("puts list items at the parent's indentation and sorts keys go-yaml's way", () => {
    expect(
      toYaml({ spec: { containers: [{ name: "a", ports: [{ containerPort: 8080 }] }], x: {}, z: [] } }),
    ).toBe("spec:\n  containers:\n  - name: a\n    ports:\n    - containerPort: 8080\n  x: {}\n  z: []\n");
    expect(yamlKeyLess("hugepages-2Mi", "hugepages-10Mi")).toBe(true);
    expect(yamlKeyLess("Port", "port")).toBe(true);
  });
  it("uses literal blocks for multi-line strings", () => {
    expect(toYaml({ s: "a\nb\n" })).toBe("s: |\n  a\n  b\n");
    expect(toYaml({ s: "a\nb" })).toBe("s: |-\n  a\n  b\n");
  });
});

describe("json and durations", () => {
  it("prints Go's MarshalIndent with sorted keys and escapes", () => {
    expect(goJson({ b: 1, a: ["<x>"], c: {} })).toBe(
      '{\n    "a": [\n        "\\u003cx\\u003e"\n    ],\n    "b": 1,\n    "c": {}\n}',
    );
  });
  it("formats ages like duration.HumanDuration", () => {
    expect(humanDuration(5_000)).toBe("5s");
    expect(humanDuration(301_000)).toBe("5m1s");
    expect(humanDuration(89 * 60_000)).toBe("89m");
    expect(humanDuration(5 * 3600_000 + 120_000)).toBe("5h2m");
    expect(humanDuration(3 * 86400_000 + 3600_000)).toBe("3d1h");
  });
});

describe("errors and hints", () => {
  const api = fixtureTransport(new Map());
  const clock = new ManualClock(0);
  it("unknown flags follow cobra's usage hint", async () => {
    const r = await runKubectl(["get", "--foo"], { api, clock });
    expect(r.stderr).toBe("error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n");
    expect(r.code).toBe(1);
  });
  it("legacy exec forms print kubectl's error then a classroom hint", async () => {
    const r = await runKubectl(["exec", "-ti", "p", "bash"], { api, clock });
    expect(r.stderr).toBe(
      "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\nhint: (kubeclass) put \"--\" before the command: kubectl exec p -- bash\n",
    );
    const tty = await runKubectl(["exec", "p", "env"], { api, clock, tty: true });
    expect(tty.stderr).toContain("\x1b[33mhint: ");
    expect(tty.code).toBe(1);
  });
});

describe("contract", () => {
  it("kubectl is a shell Program", () => {
    const program: Program = kubectl;
    expect(program).toBeTypeOf("function");
  });
});
