/**
 * The seed lesson (module 3) end to end: real lib/kubectl against a simulated explore-app
 * cluster, through the shell, two tabs and a container shell.
 */
import { describe, expect, it } from "vitest";
import { runLine, startLine } from "../shell/harness";
import type { JournalEntry } from "../shell/types";
import { runScript } from "./headless";
import { clusterSession, type TypedTab, typedTab } from "./testing";
import { stripAnsi } from "./text";

const session = () => clusterSession(7);

describe("seed lesson through the shell", () => {
  it("POD_NAME, proxy in tab 1, curl in tab 2, logs, exec", async () => {
    const { scheduler, ws } = session();
    const journal: JournalEntry[] = [];
    const [tab1, tab2] = ["1", "2"].map((tab) =>
      typedTab(ws.openShell(tab), { clock: scheduler.clock, scheduler, tty: false, tab, journal }),
    ) as [TypedTab, TypedTab];
    await tab1.type("kubectl proxy\r");
    expect(tab1.screen()).toContain("Starting to serve on 127.0.0.1:8001");
    await tab2.type(
      `export POD_NAME="$(kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}')"\r`,
    );
    await tab2.type("echo Name of the Pod: $POD_NAME\r");
    const name = /Name of the Pod: (kubernetes-bootcamp-\S+)/.exec(tab2.screen())?.[1];
    expect(name).toBeDefined();
    await tab2.type("curl http://localhost:8001/api/v1/namespaces/default/pods/$POD_NAME:8080/proxy/\r");
    expect(tab2.screen()).toContain(`Hello Kubernetes bootcamp! | Running on: ${name} | v=1`);
    await tab1.type("\x03");
    await tab2.type("curl http://localhost:8001/version\r");
    expect(tab2.screen()).toContain(
      "curl: (7) Failed to connect to localhost port 8001 after 0 ms: Couldn't connect to server",
    );
    const curl = journal.find((j) => j.line.startsWith("curl http://localhost:8001/api"));
    expect(curl?.commands).toEqual([
      ["curl", `http://localhost:8001/api/v1/namespaces/default/pods/${name}:8080/proxy/`],
    ]);
    expect(journal.find((j) => j.line === "kubectl proxy")?.exitCode).toBe(130);
  });

  it("runs the seed's commands as a script", async () => {
    const { scheduler, ws } = session();
    const out = await runScript(
      [
        "export POD_NAME=$(kubectl get pods -o name | cut -d/ -f2)",
        "kubectl logs $POD_NAME | head -1",
        "kubectl exec $POD_NAME -- env | grep -c KUBERNETES_",
        "kubectl exec -ti $POD_NAME -- bash",
        "cat server.js | head -1",
        "curl -s localhost:8080",
        "exit",
        "kubectl exec $POD_NAME -- nosuch",
      ],
      {
        openShell: (tab) => ws.openShell(tab),
        clock: scheduler.clock,
        scheduler,
        virtualTime: scheduler,
        marker: "@@",
      },
    );
    const parts = stripAnsi(out).split("@@\n");
    expect(parts[1]).toMatch(
      /^Kubernetes Bootcamp App Started At: .* \| Running On: {2}kubernetes-bootcamp-\S+ \n$/,
    );
    expect(parts[2]).toBe("8\n");
    expect(parts[4]).toBe("var http = require('http');\n");
    expect(parts[5]).toMatch(/^Hello Kubernetes bootcamp! \| Running on: kubernetes-bootcamp-\S+ \| v=1\n$/);
    // the container's bash reads these lines from a pipe, not a prompt: its exit is silent
    expect(parts[6]).toBe("");
    expect(parts[7]).toContain('exec: "nosuch": executable file not found in $PATH');
    expect(parts[7]).toContain("command terminated with exit code 126");
  });

  it("Ctrl-C stops kubectl logs -f", async () => {
    const { scheduler, ws } = session();
    const sh = ws.openShell("1");
    await runLine(sh, "export POD_NAME=$(kubectl get pods -o name | cut -d/ -f2)");
    const logs = startLine(sh, "kubectl logs -f $POD_NAME");
    await scheduler.advance(1000);
    logs.interrupt.fire("user");
    await scheduler.advance(1000);
    const r = await logs.done;
    expect(logs.all()).toContain("Kubernetes Bootcamp App Started At");
    expect(r.exitCode).toBe(130);
  });
});

describe("kubectlCompleter", () => {
  it("lists pod names for get/describe/logs and TYPE/ prefixes", async () => {
    const { kubectlCompleter } = await import("./wiring");
    const { cluster } = session();
    const complete = kubectlCompleter((req) => cluster.handle(req));
    const pods = complete(["kubectl", "describe", "pods", "kub"]);
    expect(pods.some((p) => p.startsWith("kubernetes-bootcamp-"))).toBe(true);
    expect(complete(["kubectl", "logs", ""])).toEqual(pods);
    expect(complete(["kubectl", "get", "deploy", ""])).toEqual(["kubernetes-bootcamp"]);
    expect(complete(["kubectl", "get", "deployment/"])).toEqual(["deployment/kubernetes-bootcamp"]);
    expect(
      complete(["kubectl", "-n", "kube-system", "get", "po", ""]).some((p) => p.startsWith("etcd-")),
    ).toBe(true);
  });
});
