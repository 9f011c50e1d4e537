/**
 * `kubectl proxy`: binds the workstation's loopback port and forwards API paths to the cluster's
 * API handler until Ctrl-C — the virtual equivalent of kubectl's local HTTP proxy.
 */
import type { NetRequest, NetResponse } from "../../cluster/types";
import { fail, USER_AGENT } from "../client";
import type { Command } from "./types";

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  422: "Unprocessable Entity",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * A header the workstation's curl shows as a classroom hint (never as a response header): the
 * proxy is where the seed's outdated proxy paths are recognised.
 */
export const HINT_HEADER = "x-kubeclass-hint";

/** Hints for the proxy paths older tutorials print (the seed lesson's forms: test/transcripts/README.md). */
export function classroomHint(path: string, status: number): string | undefined {
  const legacy = /^\/api\/v1\/proxy\/namespaces\/([^/]+)\/pods\/([^/:]+)(?::[^/]*)?(\/.*)?$/.exec(path);
  if (legacy && status === 404)
    return `(kubeclass) the proxy path moved: curl http://localhost:8001/api/v1/namespaces/${legacy[1]}/pods/${legacy[2]}:8080/proxy/`;
  const noPort = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/:]+)\/proxy(\/.*)?$/.exec(path);
  if (noPort && status === 503)
    return `(kubeclass) the app listens on port 8080; add it to the pod name: curl http://localhost:8001/api/v1/namespaces/${noPort[1]}/pods/${noPort[2]}:8080/proxy/`;
  return undefined;
}

const REJECT = [/^\/api\/.*\/pods\/.*\/exec/, /^\/api\/.*\/pods\/.*\/attach/];

export const proxyCommand: Command = {
  name: "proxy",
  short: "Run a proxy to the Kubernetes API server",
  flags: [
    { name: "port", short: "p", kind: "int", def: "8001" },
    { name: "address", kind: "string", def: "127.0.0.1" },
    { name: "api-prefix", kind: "string", def: "/" },
    { name: "accept-hosts", kind: "string", def: "^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$" },
    { name: "accept-paths", kind: "string", def: "^.*" },
    { name: "reject-paths", kind: "string", def: "" },
    { name: "reject-methods", kind: "string", def: "^$" },
    { name: "disable-filter", kind: "bool", def: "false" },
    { name: "www", short: "w", kind: "string", def: "" },
    { name: "unix-socket", short: "u", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    const port = f.int("port");
    const address = f.str("address");
    const prefix = f.str("api-prefix").replace(/\/$/, "");
    const serve = (req: NetRequest): NetResponse => {
      const [rawPath = "/", rawQuery = ""] = req.path.split("?");
      let p = rawPath;
      if (prefix && p.startsWith(prefix)) p = p.slice(prefix.length) || "/";
      if (!f.bool("disable-filter") && REJECT.some((r) => r.test(p)))
        return {
          kind: "response",
          status: 403,
          statusText: "Forbidden",
          headers: { "content-type": "text/plain; charset=utf-8" },
          body: "Forbidden\n",
        };
      const method = req.method.toUpperCase();
      const res = ctx.io.machine.api({
        method: (["GET", "POST", "PUT", "PATCH", "DELETE"].includes(method) ? method : "GET") as "GET",
        path: p,
        query: new URLSearchParams(rawQuery),
        headers: { ...req.headers, "user-agent": req.headers["user-agent"] ?? USER_AGENT },
        ...(req.body !== undefined ? { body: req.body } : {}),
      });
      const headers: Record<string, string> = { ...res.headers };
      const hint = classroomHint(p, res.status);
      if (hint !== undefined) headers[HINT_HEADER] = hint;
      return {
        kind: "response",
        status: res.status,
        statusText: STATUS_TEXT[res.status] ?? "",
        headers,
        // The API server itself indents JSON for curl and browsers (their User-Agent is forwarded).
        body: res.body,
      };
    };
    if (!ctx.io.machine.listen(port, serve))
      throw fail(`listen tcp ${address}:${port}: bind: address already in use`);
    ctx.out(`Starting to serve on ${address}:${port}\n`);
    await ctx.io.interrupt.promise;
    ctx.io.machine.unlisten(port);
    return 130;
  },
};
