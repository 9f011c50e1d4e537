/**
 * The real kubectl v1.32 against server/kube-api: `exec` over the websocket remote-command
 * protocol and `get -w` over Table watch events. Skipped, with the reason printed, without a
 * trusted v1.32 client (see scripts/real-kubectl.ts).
 */
import { spawn } from "node:child_process";
import { Terminal } from "@xterm/headless";
import { describe, expect, it, vi } from "vitest";
import { Cluster } from "../../lib/cluster";
import { ManualClock } from "../../lib/cluster/types";
import {
  describeOracle,
  hasScript,
  kubectlOracle,
  oracleBin,
  serveToRealKubectl,
} from "../../scripts/real-kubectl";
import { exitStatus, parseExecUrl } from "./exec";

/** What a terminal shows after `out` (cursor moves and erasures applied), lines trimmed. */
function rendered(out: string): Promise<string> {
  const term = new Terminal({ cols: 200, rows: 50, allowProposedApi: true });
  return new Promise((resolve) =>
    term.write(out, () => {
      const lines: string[] = [];
      for (let i = 0; i < term.buffer.active.length; i++)
        lines.push(term.buffer.active.getLine(i)?.translateToString(true) ?? "");
      term.dispose();
      resolve(`${lines.join("\n").trimEnd()}\n`);
    }),
  );
}

describe("exec protocol helpers", () => {
  it("reads what kubectl asks for from the exec URL", () => {
    expect(
      parseExecUrl(
        "/api/v1/namespaces/default/pods/p1/exec?command=sh&command=-c&command=echo%20hi&container=c&stdin=true&stdout=true&tty=true",
      ),
    ).toEqual({
      namespace: "default",
      pod: "p1",
      container: "c",
      command: ["sh", "-c", "echo hi"],
      stdin: true,
      stdout: true,
      stderr: false,
      tty: true,
    });
    expect(parseExecUrl("/api/v1/namespaces/default/pods/p1/log")).toBeUndefined();
  });

  it("writes the kubelet's Status on the error channel", () => {
    expect(exitStatus(0, ["true"])).toEqual({ metadata: {}, status: "Success" });
    expect(exitStatus(3, ["false"])).toMatchObject({
      status: "Failure",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
  });
});

const kubectlOnPath = kubectlOracle().ok;
console.log(describeOracle("kube-api.test"));

describe.skipIf(!kubectlOnPath)("real kubectl exec and get -w", () => {
  const clock = new ManualClock(Date.now());
  const cluster = Cluster.create({ scenario: "explore-app", seed: 5, clock });
  const real = serveToRealKubectl(cluster, "exec");
  const kubectl = real.run;
  const args = real.args;

  const realHandle = cluster.handle;
  const pod = () =>
    (
      JSON.parse(cluster.handle({ method: "GET", path: "/api/v1/namespaces/default/pods" }).body) as {
        items: Array<{ metadata: { name: string } }>;
      }
    ).items[0]?.metadata.name ?? "";

  it("exec POD -- env prints the container's environment", async () => {
    const r = await kubectl(["exec", pod(), "--", "env"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PATH=\/usr\/local\/sbin:/);
    expect(r.out).toContain(`HOSTNAME=${pod()}\n`);
    expect(r.out).toContain("KUBERNETES_SERVICE_HOST=10.96.0.1\n");
  });

  it("exec POD -- cat /server.js and curl localhost:8080", async () => {
    const cat = await kubectl(["exec", pod(), "--", "cat", "/server.js"]);
    expect(cat.code).toBe(0);
    expect(cat.out).toContain("require('http')");
    const curl = await kubectl(["exec", pod(), "--", "curl", "-s", "localhost:8080"]);
    expect(curl.code).toBe(0);
    expect(curl.out).toBe(`Hello Kubernetes bootcamp! | Running on: ${pod()} | v=1\n`);
  });

  it("a failing command: kubectl's exit code and words", async () => {
    const r = await kubectl(["exec", pod(), "--", "false"]);
    expect(r).toEqual({ code: 1, out: "", err: "command terminated with exit code 1\n" });
    const sh = await kubectl(["exec", pod(), "--", "sh", "-c", "echo out; echo err >&2; ls /nosuch"]);
    expect(sh).toEqual({
      code: 2,
      out: "out\n",
      err: "err\nls: cannot access '/nosuch': No such file or directory\ncommand terminated with exit code 2\n",
    });
  });

  it("an unknown command fails as in minikube's runtime", async () => {
    const r = await kubectl(["exec", pod(), "--", "nosuchcmd"]);
    expect(r.code).toBe(126);
    expect(r.err).toBe(
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown\ncommand terminated with exit code 126\n',
    );
  });

  it("unknown pod and unknown container", async () => {
    const r = await kubectl(["exec", "nosuch", "--", "env"]);
    expect(r).toEqual({ code: 1, out: "", err: 'Error from server (NotFound): pods "nosuch" not found\n' });
    const c = await kubectl(["exec", pod(), "-c", "nosuch", "--", "env"]);
    expect(c).toEqual({
      code: 1,
      out: "",
      err: `Error from server (BadRequest): container nosuch is not valid for pod ${pod()}\n`,
    });
  });

  it("exec -i hands piped stdin to the command", async () => {
    const cat = await kubectl(["exec", "-i", pod(), "--", "cat"], "hi\nthere\n");
    expect(cat).toEqual({ code: 0, out: "hi\nthere\n", err: "" });
    const bash = await kubectl(["exec", "-i", pod(), "--", "bash"], "hostname\ncd /etc; pwd\n");
    expect(bash).toEqual({ code: 0, out: `${pod()}\n/etc\n`, err: "" });
  });

  it("files written by one exec are there for the next", async () => {
    await kubectl(["exec", pod(), "--", "sh", "-c", "echo kept > /tmp/note"]);
    const r = await kubectl(["exec", pod(), "--", "cat", "/tmp/note"]);
    expect(r.out).toBe("kept\n");
  });

  it.skipIf(!hasScript())(
    "exec -ti POD -- bash: the student terminal's line discipline (editing, history), exit N",
    async () => {
      // `script` gives kubectl a pseudo-terminal, so it asks for a TTY and sends raw keys.
      const line = [oracleBin(), ...args(["exec", "-ti", pod(), "--", "bash"])].join(" ");
      const child = spawn("script", ["-qec", line, "/dev/null"], { env: { ...real.env, TERM: "dumb" } });
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      const prompt = `root@${pod()}:/# `;
      const waitFor = (text: string, count: number) =>
        new Promise<void>((resolve, reject) => {
          const check = () => {
            if (out.split(text).length - 1 >= count) {
              child.stdout.off("data", check);
              resolve();
            }
          };
          child.stdout.on("data", check);
          child.on("close", () => reject(new Error(`ended early; printed:\n${out}`)));
          check();
        });
      await waitFor(prompt, 1);
      child.stdin.write("hostnamx\x7fe\r");
      await waitFor(prompt, 2);
      // Up recalls the line from the shell's history, as in a student's tab
      child.stdin.write("\x1b[A\r");
      await waitFor(prompt, 3);
      child.stdin.write("exit 4\r");
      const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
      expect(code).toBe(4);
      const screen = await rendered(out);
      expect(screen).toContain(
        [`${prompt}hostname`, pod(), `${prompt}hostname`, pod(), `${prompt}exit 4`, "exit"].join("\n"),
      );
      expect(screen).toContain("command terminated with exit code 4\n");
    },
    30_000,
  );

  it("error outputs carry the API server's Status words", async () => {
    const cases: Array<[string[], string]> = [
      [["get", "pods", "nosuch", "-o", "yaml"], 'Error from server (NotFound): pods "nosuch" not found\n'],
      [["delete", "pod", "nosuch"], 'Error from server (NotFound): pods "nosuch" not found\n'],
      [
        ["scale", "deployment", "nosuch", "--replicas=2"],
        'error: no objects passed to scale deployments.apps "nosuch" not found\n',
      ],
      [["logs", pod(), "-c", "nosuch"], `error: container nosuch is not valid for pod ${pod()}\n`],
      [
        ["delete", "namespace", "default"],
        'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n',
      ],
      [
        ["create", "deployment", "kubernetes-bootcamp", "--image=x", "--dry-run=server"],
        'error: failed to create deployment: deployments.apps "kubernetes-bootcamp" already exists\n',
      ],
    ];
    for (const [argv, err] of cases) {
      expect(await kubectl(argv)).toEqual({ code: 1, out: "", err });
    }
  }, 30_000);

  it("get pods -w prints one row per watch event under the server's columns", async () => {
    // kubectl lists, prints, then opens the watch: change the cluster only once it is open.
    let watchOpened: () => void = () => {};
    const opened = new Promise<void>((r) => {
      watchOpened = r;
    });
    const handle = vi.spyOn(cluster, "handle").mockImplementation((req) => {
      const res = realHandle(req);
      if (req.query?.get("watch") === "true") watchOpened();
      return res;
    });
    const child = spawn(oracleBin(), args(["get", "pods", "-w"]), { env: real.env });
    let out = "";
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(out)) {
            child.stdout.off("data", check);
            resolve();
          }
        };
        child.stdout.on("data", check);
        child.on("close", () => reject(new Error(`kubectl ended; printed:\n${out}`)));
        check();
      });
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    await opened;
    handle.mockRestore();
    cluster.handle({
      method: "PATCH",
      path: "/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp/scale",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ spec: { replicas: 2 } }),
    });
    clock.advance(10_000);
    cluster.tick();
    await waitFor(/ContainerCreating[\s\S]*Running +0 +\d+s\n/);
    child.kill();
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines.filter((l) => l.startsWith("NAME"))).toHaveLength(1);
    expect(lines.some((l) => /\s0\/1\s+Pending\s+0\s+0s$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/\s1\/1\s+Running\s+0\s+\d+s$/);
  }, 30_000);
});
