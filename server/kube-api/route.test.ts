/**
 * The `/kube/<course>` route's rules over plain HTTP (no kubectl, no database): who gets in, whose
 * cluster they reach, what a refusal looks like, the budgets, and that revocation and eviction
 * end open streams — with the students' clusters in this thread and on a worker thread (the
 * request forwarded to the worker's port, server/kube-api/forward.ts).
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCourse } from "../../lib/classroom/course";
import { MAX_REQUEST_BYTES } from "../../lib/cluster/limits";
import { kubeconfigYaml, mintKubeToken, verifyKubeToken } from "../../lib/kube-access";
import { revokeUser } from "../../lib/revoke";
import { type CoreHandle, type CoreHost, createHost } from "../worker-pool";
import { createKubeRoute, type KubeRoute, listenKubeRoute, splitKubeUrl } from "./route";

const SECRET = "route-test-secret-0123456789abcdef";
const COURSE = "kubernetes-basics";
const HOUR = 3600;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  base: string,
  path: string,
  opts: { token?: string; method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      {
        method: opts.method ?? "GET",
        headers: {
          accept: "application/json",
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

const UNAUTHORIZED = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "Unauthorized",
  reason: "Unauthorized",
  code: 401,
};

describe("kube-access tokens", () => {
  const claims = { userId: "u1", courseSlug: COURSE, sessionVersion: 3, exp: 2_000_000_000 };

  it("round-trips its claims and refuses a changed or foreign one", () => {
    const token = mintKubeToken(SECRET, claims);
    expect(verifyKubeToken(SECRET, token, 0)).toEqual(claims);
    expect(verifyKubeToken("another-secret-0123456789abcdef", token, 0)).toBeNull();
    const [p, payload, mac] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ u: "u2", c: COURSE, v: 3, e: 2_000_000_000 })).toString(
      "base64url",
    );
    expect(verifyKubeToken(SECRET, `${p}.${forged}.${mac}`, 0)).toBeNull();
    expect(verifyKubeToken(SECRET, `${p}.${payload}.${mac}x`, 0)).toBeNull();
    expect(verifyKubeToken(SECRET, "", 0)).toBeNull();
  });

  it("runs out at its expiry", () => {
    const token = mintKubeToken(SECRET, claims);
    expect(verifyKubeToken(SECRET, token, claims.exp * 1000 - 1)).not.toBeNull();
    expect(verifyKubeToken(SECRET, token, claims.exp * 1000)).toBeNull();
  });

  it("writes a kubeconfig whose server is the origin and the course's route, the token as bearer over https", () => {
    const yaml = kubeconfigYaml({
      origin: "https://kubeclass.example/",
      courseSlug: COURSE,
      token: "kc1.a.b",
    });
    expect(yaml).toContain(`    server: "https://kubeclass.example/kube/${COURSE}"\n`);
    expect(yaml).toContain('  user:\n    token: "kc1.a.b"\n');
    expect(yaml).toContain(`current-context: "kubeclass-${COURSE}"\n`);
    expect(yaml).not.toContain("insecure-skip-tls-verify");
  });

  it("puts the token in the server URL over plain http, where kubectl sends no credentials", () => {
    const yaml = kubeconfigYaml({ origin: "http://localhost:3000", courseSlug: COURSE, token: "kc1.a.b" });
    expect(yaml).toContain(`    server: "http://localhost:3000/kube/${COURSE}/token/kc1.a.b"\n`);
    expect(yaml).toContain("  user: {}\n");
  });

  it("splits the route's URL into course and API path", () => {
    expect(splitKubeUrl(`/kube/${COURSE}/api/v1/pods?watch=1`)).toEqual({
      courseSlug: COURSE,
      apiUrl: "/api/v1/pods?watch=1",
    });
    expect(splitKubeUrl(`/kube/${COURSE}`)).toEqual({ courseSlug: COURSE, apiUrl: "/" });
    expect(splitKubeUrl(`/kube/${COURSE}/token/kc1.a.b/api?timeout=32s`)).toEqual({
      courseSlug: COURSE,
      pathToken: "kc1.a.b",
      apiUrl: "/api?timeout=32s",
    });
    expect(splitKubeUrl("/kube/")).toBeNull();
    expect(splitKubeUrl("/kube/%E0")).toBeNull();
  });
});

describe.each([0, 1])(
  "the /kube route over HTTP (KUBECLASS_WORKERS=%i)",
  (workers) => {
    const versions = new Map<string, number>([
      ["alice", 1],
      ["bob", 1],
    ]);
    /** Each student's simulation, where this mode runs it (server/worker-pool.ts). */
    const handles = new Map<string, Promise<CoreHandle>>();
    let host: CoreHost;
    const released: string[] = [];
    let now = Date.now();
    let served: Awaited<ReturnType<typeof listenKubeRoute>>;
    let base = "";
    let route: KubeRoute;
    const token = (userId: string, over: Partial<{ course: string; version: number; exp: number }> = {}) =>
      mintKubeToken(SECRET, {
        userId,
        courseSlug: over.course ?? COURSE,
        sessionVersion: over.version ?? versions.get(userId) ?? 0,
        exp: over.exp ?? Math.floor(now / 1000) + HOUR,
      });

    beforeAll(async () => {
      host = createHost(workers);
      route = createKubeRoute({
        secret: SECRET,
        now: () => now,
        limits: { requests: { burst: 40, perSecond: 1 }, inFlight: 3 },
        currentVersion: async (id) => versions.get(id) ?? null,
        workspaces: {
          async acquire(userId, courseSlug) {
            if (courseSlug !== COURSE) return null;
            let handle = handles.get(userId);
            if (!handle) {
              handle = host.create(
                COURSE,
                { kind: "new", scenario: "explore-app", seed: 7, prompt: getCourse(COURSE).workstation },
                { output: () => {}, line: () => {}, lost: () => {} },
              );
              handles.set(userId, handle);
            }
            const h = await handle;
            return {
              kubeApi: (req, res) => h.kubeRequest(req, res),
              kubeUpgrade: (req, socket, head) => h.kubeUpgrade(req, socket, head),
              releaseIfIdle: () => released.push(userId),
            };
          },
        },
      });
      served = await listenKubeRoute(route);
      base = served.origin;
      // A worker loads the sources and compiles the simulation first (slow on a busy machine).
      await host.warm(COURSE);
    }, 120_000);

    afterAll(async () => {
      for (const h of handles.values()) (await h).dispose();
      await served.close();
      await host.close();
    });

    it("leaves other paths to the next handler", async () => {
      for (const path of ["/api/v1/pods", "/kubernetes"])
        expect(await call(base, path)).toMatchObject({ status: 404, body: "" });
    });

    it("answers a missing, forged, expired or other course's token with the API server's 401 Status", async () => {
      const path = `/kube/${COURSE}/api/v1/namespaces/default/pods`;
      const bad = [
        undefined,
        "not-a-token",
        mintKubeToken("another-secret-0123456789abcdef", {
          userId: "alice",
          courseSlug: COURSE,
          sessionVersion: 1,
          exp: Math.floor(now / 1000) + HOUR,
        }),
        token("alice", { exp: Math.floor(now / 1000) - 1 }),
        token("alice", { course: "another-course" }),
        token("alice", { version: 0 }),
        token("carol"),
      ];
      for (const t of bad) {
        const r = await call(base, path, t ? { token: t } : {});
        expect(r.status, String(t)).toBe(401);
        expect(r.headers["content-type"]).toBe("application/json");
        expect(JSON.parse(r.body)).toEqual(UNAUTHORIZED);
      }
      for (const t of bad.slice(1) as string[]) {
        const r = await call(base, `/kube/${COURSE}/token/${t}/api/v1/namespaces/default/pods`);
        expect(JSON.parse(r.body), t).toEqual(UNAUTHORIZED);
      }
      expect(handles.size).toBe(0);
    });

    it("takes the token from the server URL's path as from the Authorization header", async () => {
      const r = await call(base, `/kube/${COURSE}/token/${token("bob")}/api/v1/namespaces/default/pods`);
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({ kind: "PodList" });
    });

    it("serves each student their own cluster", async () => {
      const created = await call(base, `/kube/${COURSE}/apis/apps/v1/namespaces/default/deployments`, {
        token: token("alice"),
        method: "POST",
        body: JSON.stringify({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "alices" },
          spec: {
            selector: { matchLabels: { app: "alices" } },
            template: {
              metadata: { labels: { app: "alices" } },
              spec: { containers: [{ name: "web", image: "nginx" }] },
            },
          },
        }),
      });
      expect(created.status).toBe(201);
      const names = async (user: string) =>
        (
          JSON.parse(
            (
              await call(base, `/kube/${COURSE}/apis/apps/v1/namespaces/default/deployments`, {
                token: token(user),
              })
            ).body,
          ) as { items: Array<{ metadata: { name: string } }> }
        ).items.map((d) => d.metadata.name);
      expect(await names("alice")).toContain("alices");
      expect(await names("bob")).not.toContain("alices");
      expect(released).toContain("alice");
    });

    it("refuses a body over the API server's limit with 413 before reading it all", async () => {
      const r = await call(base, `/kube/${COURSE}/api/v1/namespaces/default/configmaps`, {
        token: token("bob"),
        method: "POST",
        body: "x".repeat(MAX_REQUEST_BYTES + 1),
      });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toMatchObject({ reason: "RequestEntityTooLarge", code: 413 });
    });

    it("ends a student's open watch when their access is revoked, and refuses them from then on", async () => {
      const t = token("alice");
      const watch = await new Promise<{ ended: Promise<void>; seen: () => string }>((resolve) => {
        let seen = "";
        const req = httpRequest(`${base}/kube/${COURSE}/api/v1/namespaces/default/pods?watch=1`, {
          headers: { authorization: `Bearer ${t}` },
        });
        req.on("response", (res) => {
          const ended = new Promise<void>((done) => {
            res.on("close", () => done());
            res.on("error", () => done());
          });
          res.on("data", (c: Buffer) => {
            seen += c.toString();
          });
          resolve({ ended, seen: () => seen });
        });
        req.on("error", () => {});
        req.end();
      });
      await expect.poll(() => watch.seen()).toContain('"type":"ADDED"');
      expect(route.inFlight("alice")).toBe(1);
      // What sign-out does (lib/revoke.ts): the version moves on, then the open streams are told.
      versions.set("alice", 2);
      await revokeUser(
        {
          user: { updateManyAndReturn: async () => [{ sessionVersion: 2 }] },
        } as unknown as Parameters<typeof revokeUser>[0],
        "alice",
      );
      await watch.ended;
      // The route hears its side's close in the loop's close phase, after the client may have.
      await expect.poll(() => route.inFlight("alice"), { timeout: 1_000 }).toBe(0);
      const r = await call(base, `/kube/${COURSE}/api/v1/namespaces/default/pods`, { token: t });
      expect(JSON.parse(r.body)).toEqual(UNAUTHORIZED);
      expect(
        (await call(base, `/kube/${COURSE}/api/v1/namespaces/default/pods`, { token: token("alice") }))
          .status,
      ).toBe(200);
    });

    it("ends open streams when the workspace leaves memory", async () => {
      const req = httpRequest(`${base}/kube/${COURSE}/api/v1/namespaces/default/pods?watch=1`, {
        headers: { authorization: `Bearer ${token("bob")}` },
      });
      let seen = "";
      const ended = new Promise<void>((resolve) => {
        req.on("response", (res) => {
          res.on("data", (c: Buffer) => {
            seen += c.toString();
          });
          res.on("end", () => resolve());
        });
      });
      req.end();
      await expect.poll(() => seen).toContain('"type":"ADDED"');
      expect(route.inFlight("bob")).toBe(1);
      (await handles.get("bob"))?.dispose();
      handles.delete("bob");
      await ended;
      await expect.poll(() => route.inFlight("bob")).toBe(0);
    });

    it("refuses an exec upgrade without a valid token with a 401 Status", async () => {
      const r = await call(
        base,
        `/kube/${COURSE}/api/v1/namespaces/default/pods/p/exec?command=env&stdout=true`,
        {
          headers: {
            connection: "Upgrade",
            upgrade: "websocket",
            "sec-websocket-version": "13",
            "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
          },
        },
      ).catch((e: unknown) => e as Error);
      // node's client hands a refused upgrade over as a normal response
      expect(r).toMatchObject({ status: 401 });
      expect(JSON.parse((r as Reply).body)).toEqual(UNAUTHORIZED);
    });

    it("holds each student to their budget with the API server's 429 and Retry-After", async () => {
      versions.set("dave", 1);
      const t = token("dave");
      const statuses: number[] = [];
      for (let i = 0; i < 45; i++)
        statuses.push(
          (await call(base, `/kube/${COURSE}/api/v1/namespaces/default/pods`, { token: t })).status,
        );
      expect(statuses.filter((s) => s === 200)).toHaveLength(40);
      const refused = await call(base, `/kube/${COURSE}/api/v1/namespaces/default/pods`, { token: t });
      expect(refused.status).toBe(429);
      expect(refused.headers["retry-after"]).toBe("1");
      expect(JSON.parse(refused.body)).toMatchObject({ reason: "TooManyRequests", code: 429 });
      // another student is not slowed down by this one
      expect(
        (await call(base, `/kube/${COURSE}/api/v1/namespaces/default/pods`, { token: token("bob") })).status,
      ).toBe(200);
      // the budget refills with time
      now += 2_000;
      expect((await call(base, `/kube/${COURSE}/api/v1/namespaces/default/pods`, { token: t })).status).toBe(
        200,
      );
    });

    it("lets a student hold only so many requests open at once", async () => {
      versions.set("erin", 1);
      const t = token("erin");
      const reqs = [0, 1, 2].map(() => {
        const req = httpRequest(`${base}/kube/${COURSE}/api/v1/namespaces/default/pods?watch=1`, {
          headers: { authorization: `Bearer ${t}` },
        });
        req.on("error", () => {});
        req.end();
        return req;
      });
      await expect.poll(() => route.inFlight("erin")).toBe(3);
      const r = await call(base, `/kube/${COURSE}/api/v1/namespaces/default/pods`, { token: t });
      expect(r.status).toBe(429);
      for (const req of reqs) req.destroy();
      await expect.poll(() => route.inFlight("erin")).toBe(0);
    });
  },
  30_000,
);
