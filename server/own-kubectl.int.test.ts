/**
 * A student's own kubectl against their live workspace (docs/adr/0029-own-kubectl.md): the real
 * kubectl v1.32 with the kubeconfig the lesson page hands out, served by server/kube-api/route.ts
 * from the same WorkspaceRegistry the browser's terminal uses, on a real PostgreSQL. Skipped, with
 * the reason printed, without a trusted v1.32 client (scripts/real-kubectl.ts); the route's rules
 * over plain HTTP are covered without kubectl in server/kube-api/route.test.ts. Each test runs with
 * the students' clusters in the server's thread and on a worker thread.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_COURSE_SLUG } from "../lib/classroom/course";
import { KUBE_TOKEN_TTL_S, kubeconfigYaml, mintKubeToken } from "../lib/kube-access";
import { revokeUser } from "../lib/revoke";
import {
  describeOracle,
  hasScript,
  kubectlOracle,
  oracleBin,
  runOracle,
  startOracle,
} from "../scripts/real-kubectl";
import { createKubeRoute, type KubeRoute, listenKubeRoute } from "./kube-api/route";
import { type Harness, output, ready, SECRET, startHarness, until } from "./socket-test-harness";

const trusted = kubectlOracle().ok;
console.log(describeOracle("own-kubectl.int"));

const COURSE = DEFAULT_COURSE_SLUG;

// Both places a student's cluster can live (docs/adr/0031): this thread, and a worker thread
// whose loopback port the route forwards to (server/kube-api/forward.ts).
describe.skipIf(!trusted).each([0, 1])(
  "the student's own kubectl against their live workspace (KUBECLASS_WORKERS=%i)",
  (workers) => {
    let h: Harness;
    let route: KubeRoute;
    let served: Awaited<ReturnType<typeof listenKubeRoute>> | undefined;
    let origin = "";
    let dir = "";
    const ids: Record<string, string> = {};
    const children: ChildProcess[] = [];

    /** The kubeconfig the lesson page would hand `who` now (app/api/kubeconfig/route.ts). */
    async function kubeconfig(who: string, token?: string): Promise<string> {
      const u = await h.prisma.user.findUniqueOrThrow({ where: { id: ids[who] } });
      const file = join(dir, `${who}-${Math.random().toString(36).slice(2)}.yaml`);
      const minted =
        token ??
        mintKubeToken(SECRET, {
          userId: u.id,
          courseSlug: COURSE,
          sessionVersion: u.sessionVersion,
          exp: Math.floor(Date.now() / 1000) + KUBE_TOKEN_TTL_S,
        });
      writeFileSync(file, kubeconfigYaml({ origin, courseSlug: COURSE, token: minted }));
      return file;
    }

    const env = (config: string) => ({ ...process.env, KUBECONFIG: config, HOME: dir });
    const kubectl = (config: string, args: string[]) =>
      runOracle([`--cache-dir=${join(dir, "cache")}`, ...args], { env: env(config) });

    /** A long-running kubectl (`get -w`, `logs -f`): what it printed so far and its exit. */
    function stream(config: string, args: string[]) {
      const running = startOracle([`--cache-dir=${join(dir, "cache")}`, ...args], { env: env(config) });
      children.push(running.child);
      return running;
    }

    const firstPod = async (config: string) => {
      const r = await kubectl(config, ["get", "pods", "-o", "jsonpath={.items[0].metadata.name}"]);
      expect(r.err).toBe("");
      return r.out;
    };

    beforeAll(async () => {
      h = await startHarness({}, { workers });
      ids.a = await h.makeUser("own-kubectl-a@example.test", "STUDENT");
      ids.b = await h.makeUser("own-kubectl-b@example.test", "STUDENT");
      route = createKubeRoute({
        workspaces: h.registry,
        secret: SECRET,
        currentVersion: async (id) =>
          (await h.prisma.user.findUnique({ where: { id }, select: { sessionVersion: true } }))
            ?.sessionVersion ?? null,
      });
      served = await listenKubeRoute(route);
      origin = served.origin;
      dir = mkdtempSync(join(tmpdir(), "kubeclass-own-kubectl-"));
    });

    afterAll(async () => {
      for (const c of children) c.kill();
      await served?.close();
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("get pods and describe a pod of the student's cluster", async () => {
      const config = await kubeconfig("a");
      const pods = await kubectl(config, ["get", "pods"]);
      expect(pods.err).toBe("");
      expect(pods.code).toBe(0);
      expect(pods.out).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE\n/);
      const pod = await firstPod(config);
      const described = await kubectl(config, ["describe", "pod", pod]);
      expect(described.code).toBe(0);
      expect(described.out).toMatch(new RegExp(`^Name: +${pod}\\nNamespace: +default\\n`));
    });

    it("a deployment created with kubectl is there at once in the browser terminal's workspace", async () => {
      const config = await kubeconfig("a");
      const created = await kubectl(config, ["create", "deployment", "own-hello", "--image=nginx"]);
      expect(created).toEqual({ code: 0, out: "deployment.apps/own-hello created\n", err: "" });

      // The browser: a socket of the same student, the terminal of a lesson.
      const cookie = await h.cookieFor("own-kubectl-a@example.test");
      const s = h.client(cookie);
      const out = output(s);
      await ready(s);
      const joined = await s.emitWithAck("lesson:join", { courseSlug: COURSE, lessonId: "pods-and-nodes" });
      expect(joined.ok).toBe(true);
      await s.emitWithAck("term:open", { tabId: "1", cols: 120, rows: 30 });
      await until(() => out.text().includes("$ "));
      s.emit("term:input", { tabId: "1", data: "kubectl get deployments\r" });
      await until(() => /own-hello\s+\d\/1/.test(out.text()), 20_000);

      // …and what the terminal does, the student's kubectl sees.
      s.emit("term:input", { tabId: "1", data: "kubectl scale deployment own-hello --replicas=2\r" });
      await until(() => out.text().includes("deployment.apps/own-hello scaled"), 20_000);
      const scaled = await kubectl(config, [
        "get",
        "deployment",
        "own-hello",
        "-o",
        "jsonpath={.spec.replicas}",
      ]);
      expect(scaled.out).toBe("2");
      s.close();
    });

    it("exec -- env runs in the student's container", async () => {
      const config = await kubeconfig("a");
      const pod = await firstPod(config);
      const r = await kubectl(config, ["exec", pod, "--", "env"]);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(r.out).toContain(`HOSTNAME=${pod}\n`);
    });

    it.skipIf(!hasScript())(
      "exec -ti POD -- bash: an interactive shell in the student's container",
      async () => {
        const config = await kubeconfig("a");
        const pod = await firstPod(config);
        // `script` gives kubectl a pseudo-terminal, so it asks for a TTY and sends raw keys.
        const line = [
          oracleBin(),
          `--cache-dir=${join(dir, "cache")}`,
          "exec",
          "-ti",
          pod,
          "--",
          "bash",
        ].join(" ");
        const child = spawn("script", ["-qec", line, "/dev/null"], { env: { ...env(config), TERM: "dumb" } });
        children.push(child);
        let out = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
        });
        const closed = new Promise<number>((r) => child.on("close", (code) => r(code ?? -1)));
        await until(() => out.includes(`root@${pod}:/# `), 20_000);
        child.stdin.write("hostname\r");
        await until(() => out.split(`root@${pod}:/# `).length >= 3, 20_000);
        child.stdin.write("exit 3\r");
        expect(await closed).toBe(3);
        expect(out).toContain(`hostname\r\n${pod}\r\n`);
      },
    );

    it("a wrong token gets kubectl's own Unauthorized words", async () => {
      const config = await kubeconfig("a", "kc1.eyJ1IjoieCJ9.bm90LWEtbWFj");
      // Over the test's plain http the token is in the server URL (lib/kube-access.ts), so this
      // server has no discovery cached: the discovery client words the 401 (as against a real
      // cluster, after its five memcache.go lines).
      const r = await kubectl(config, ["get", "pods"]);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toMatch(
        /^(E\d{4} [\d:.]+ +\d+ memcache\.go:\d+\] "Unhandled Error" err="couldn't get current server API group list: the server has asked for the client to provide credentials"\n)+error: You must be logged in to the server \(the server has asked for the client to provide credentials\)\n$/,
      );
      // With discovery cached (a token that worked before), the request itself is refused.
      const before = await kubeconfig("b");
      expect((await kubectl(before, ["get", "pods"])).code).toBe(0);
      await h.prisma.user.update({ where: { id: ids.b }, data: { sessionVersion: { increment: 1 } } });
      expect(await kubectl(before, ["get", "pods"])).toEqual({
        code: 1,
        out: "",
        err: "error: You must be logged in to the server (Unauthorized)\n",
      });
    });

    it("another student's kubeconfig reaches only their own cluster", async () => {
      const config = await kubeconfig("b");
      const r = await kubectl(config, ["get", "deployments", "-o", "name"]);
      expect(r.code).toBe(0);
      expect(r.out).not.toContain("own-hello");
      // B's token on A's… there is no A's address to point it at: the token alone picks the
      // cluster, and a token minted for another course's route is refused.
      const other = mintKubeToken(SECRET, {
        userId: ids.b ?? "",
        courseSlug: "another-course",
        sessionVersion: 0,
        exp: Math.floor(Date.now() / 1000) + 60,
      });
      const refused = await kubectl(await kubeconfig("b", other), ["get", "pods"]);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(
        /\nerror: You must be logged in to the server \(the server has asked for the client to provide credentials\)\n$/,
      );
    });

    it("signing out ends get -w and logs -f and voids the kubeconfig", async () => {
      const config = await kubeconfig("a");
      const pod = await firstPod(config);
      const watch = stream(config, ["get", "pods", "-w"]);
      const logs = stream(config, ["logs", "-f", pod]);
      await until(() => watch.out().includes(pod), 20_000);
      await until(() => route.inFlight(ids.a ?? "") >= 2, 20_000);
      // What next-auth's signOut event does (lib/auth.ts).
      await revokeUser(h.prisma, ids.a ?? "");
      await Promise.all([watch.exited, logs.exited]);
      expect(route.inFlight(ids.a ?? "")).toBe(0);
      expect(await kubectl(config, ["get", "pods"])).toEqual({
        code: 1,
        out: "",
        err: "error: You must be logged in to the server (Unauthorized)\n",
      });
      // A kubeconfig downloaded after signing in again works.
      expect((await kubectl(await kubeconfig("a"), ["get", "pods"])).code).toBe(0);
    });
  },
);
