/**
 * `kubectl port-forward` in one tab serving `curl localhost:PORT` in another, and `kubectl cp`
 * between the virtual home and a container, through the workstation shell.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { startLine } from "../shell/harness";
import { ManualScheduler, settle } from "../shell/manual-time";
import { clusterWorkstation } from "../terminal/wiring";

function session() {
  const scheduler = new ManualScheduler();
  const cluster = Cluster.create({ scenario: "explore-app", seed: 7, clock: scheduler.clock });
  const ws = clusterWorkstation(cluster, { clock: scheduler.clock, scheduler });
  const start = (tab: string, line: string) => {
    const r = startLine(ws.openShell(tab), line);
    return { output: r.all, interrupt: r.interrupt, done: r.done };
  };
  const run = async (line: string, tab = "2") => {
    const r = await startLine(ws.openShell(tab), line).done;
    return { out: r.all, code: r.exitCode };
  };
  const pod = (): string => {
    const list = JSON.parse(
      cluster.handle({ method: "GET", path: "/api/v1/namespaces/default/pods", headers: {} }).body,
    );
    return list.items[0].metadata.name;
  };
  return { start, run, pod, ws };
}

describe("kubectl port-forward", () => {
  it("forwards a local port to the pod until Ctrl-C, one line per connection", async () => {
    const s = session();
    const pf = s.start("1", `kubectl port-forward pod/${s.pod()} 8080:8080`);
    await settle();
    expect(pf.output()).toBe("Forwarding from 127.0.0.1:8080 -> 8080\nForwarding from [::1]:8080 -> 8080\n");
    const curl = await s.run("curl -s localhost:8080");
    expect(curl.out).toMatch(/^Hello Kubernetes bootcamp! \| Running on: kubernetes-bootcamp-/);
    expect(pf.output()).toMatch(/Handling connection for 8080\n$/);
    pf.interrupt.fire("user");
    await pf.done;
    expect((await s.run("curl -s localhost:8080")).code).toBe(7);
  });

  it("reaches a deployment's and a service's pod, and says when the port is taken", async () => {
    const s = session();
    const dep = s.start("1", "kubectl port-forward deployment/kubernetes-bootcamp 9090:8080");
    await settle();
    expect(dep.output()).toContain("Forwarding from 127.0.0.1:9090 -> 8080");
    expect((await s.run("curl -s localhost:9090")).out).toContain("Hello Kubernetes bootcamp!");
    const again = await s.run("kubectl port-forward deploy/kubernetes-bootcamp 9090:8080");
    expect(again.code).toBe(1);
    expect(again.out).toContain("error: unable to listen on any of the requested ports: [{9090 8080}]");
    dep.interrupt.fire("user");
    await dep.done;
    expect(await s.run("kubectl port-forward")).toEqual({
      out: "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n",
      code: 1,
    });
    expect((await s.run("kubectl port-forward nope 8080")).out).toBe(
      'Error from server (NotFound): pods "nope" not found\n',
    );
  });
});

describe("kubectl port-forward svc/NAME", () => {
  it("maps the service port to the pod's target port", async () => {
    const s = session();
    expect(
      (await s.run("kubectl expose deployment/kubernetes-bootcamp --port 80 --target-port 8080")).code,
    ).toBe(0);
    const pf = s.start("1", "kubectl port-forward svc/kubernetes-bootcamp 7070:80");
    await settle();
    expect(pf.output()).toBe("Forwarding from 127.0.0.1:7070 -> 8080\nForwarding from [::1]:7070 -> 8080\n");
    expect((await s.run("curl -s http://127.0.0.1:7070/")).out).toContain("Hello Kubernetes bootcamp!");
    pf.interrupt.fire("user");
    await pf.done;
  });
});

describe("kubectl cp", () => {
  it("copies a file into the container and back", async () => {
    const s = session();
    s.ws.files.write("/home/student/hi.txt", "hello\n", false);
    const pod = s.pod();
    expect(await s.run(`kubectl cp hi.txt ${pod}:/tmp/hi.txt`)).toEqual({ out: "", code: 0 });
    expect((await s.run(`kubectl exec ${pod} -- cat /tmp/hi.txt`)).out).toBe("hello\n");
    expect(await s.run(`kubectl cp ${pod}:/tmp/hi.txt back.txt`)).toEqual({
      out: "tar: Removing leading `/' from member names\n",
      code: 0,
    });
    expect(s.ws.files.read("/home/student/back.txt")).toBe("hello\n");
  });

  it("prints kubectl's errors", async () => {
    const s = session();
    expect((await s.run("kubectl cp")).out).toBe("error: source and destination are required\n");
    expect((await s.run("kubectl cp a b")).out).toBe(
      "error: one of src or dest must be a remote file specification\n",
    );
    expect((await s.run(`kubectl cp nope.txt ${s.pod()}:/tmp/x`)).out).toBe(
      "error: nope.txt doesn't exist in local filesystem\n",
    );
    expect((await s.run("kubectl cp nope:/x y")).out).toBe(
      'Error from server (NotFound): pods "nope" not found\n',
    );
  });
});

describe("tar in the container", () => {
  it("lists, creates and extracts on the container's files (GNU tar's words)", async () => {
    const s = session();
    const pod = s.pod();
    const x = (cmd: string) => s.run(`kubectl exec ${pod} -- sh -c '${cmd}'`);
    expect(await x("tar cf - /etc/hostname /etc/hosts | tar tf -")).toEqual({
      out: "tar: Removing leading `/' from member names\netc/hostname\netc/hosts\n",
      code: 0,
    });
    expect((await x("tar cf - /etc/hostname 2>/dev/null | tar tvf -")).out).toMatch(
      /^-rw-r--r-- root\/root {8}\d\d \d{4}-\d\d-\d\d \d\d:\d\d etc\/hostname\n$/,
    );
    expect(
      await x("cd /etc && tar cf /tmp/e.tar hostname resolv.conf && mkdir /x && tar xvf /tmp/e.tar -C /x"),
    ).toEqual({ out: "hostname\nresolv.conf\n", code: 0 });
    expect((await x("cat /x/hostname")).out).toBe(`${pod}\n`);
    expect(await x("tar cf - /nosuch | tar tf -")).toEqual({
      out: "tar: Removing leading `/' from member names\ntar: /nosuch: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n",
      code: 0,
    });
    expect(await x("echo junk | tar xf -")).toEqual({
      out: "tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\ncommand terminated with exit code 2\n",
      code: 2,
    });
    expect(await x("tar xf /tmp/e.tar -C /nosuch")).toEqual({
      out: "tar: /nosuch: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\ncommand terminated with exit code 2\n",
      code: 2,
    });
    expect((await x("tar")).out).toBe(
      "tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\ncommand terminated with exit code 2\n",
    );
    expect((await x("tar cf -")).out).toBe(
      "tar: Cowardly refusing to create an empty archive\nTry 'tar --help' or 'tar --usage' for more information.\ncommand terminated with exit code 2\n",
    );
  });

  it("copies a directory tree into a pod and back, with UTF-8 contents byte for byte", async () => {
    const s = session();
    const pod = s.pod();
    s.ws.files.mkdir("/home/student/site");
    s.ws.files.mkdir("/home/student/site/css");
    s.ws.files.write("/home/student/site/index.html", "<p>grüße ✓</p>\n", false);
    s.ws.files.write("/home/student/site/css/a.css", "p{}\n", false);
    expect(await s.run(`kubectl cp site ${pod}:/tmp/`)).toEqual({ out: "", code: 0 });
    expect((await s.run(`kubectl exec ${pod} -- cat /tmp/site/index.html`)).out).toBe("<p>grüße ✓</p>\n");
    expect((await s.run(`kubectl cp ${pod}:/tmp/site copy`)).code).toBe(0);
    expect(s.ws.files.read("/home/student/copy/css/a.css")).toBe("p{}\n");
    expect(s.ws.files.read("/home/student/copy/index.html")).toBe("<p>grüße ✓</p>\n");
  });
});
