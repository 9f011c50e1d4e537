/**
 * Images as behaviours. The kubernetes-bootcamp app answers every HTTP request on 8080 with a
 * greeting naming its pod and counts requests in its log; nginx answers its welcome page on 80
 * and writes an access log line per request; busybox runs its command (a `while true` loop
 * that echoes and sleeps logs a line every period, lazily, see Sim.emitPeriodic); system images
 * just run.
 */

import type { AppState, ClusterContext } from "./context";
import { lookupImage } from "./images";
import type { Container, Pod, Service } from "./model";
import { utcFields } from "./time";
import type { NetRequest } from "./types";

export const BOOTCAMP_PORT = 8080;
export const NGINX_PORT = 80;
const NGINX_VERSION = "1.27.3";

/** busybox `date`: `Sat Nov 30 05:31:48 UTC 2026` (containers run in UTC). */
export function busyboxDate(ms: number): string {
  const t = utcFields(ms);
  return `${t.weekday} ${t.monthName} ${t.dd} ${t.hms} UTC ${t.year}`;
}

/** nginx's `$time_local`: `30/Nov/2026:05:31:48 +0000`. */
function nginxTime(ms: number): string {
  const t = utcFields(ms);
  return `${t.dd}/${t.monthName}/${t.year}:${t.hms} +0000`;
}

/** nginx's error-log time: `2026/11/30 05:31:48`. */
function nginxLogTime(ms: number): string {
  const t = utcFields(ms);
  return `${t.year}/${t.mm}/${t.dd} ${t.hms}`;
}

/**
 * The periodic line a busybox shell loop prints: `while true; do echo "…"; sleep N; done`.
 * Returns the echo text (with `$(date)` and `$HOSTNAME` left for expansion) and the period.
 */
export function shellLoop(c: Container): { text: string; everyMs: number } | undefined {
  const script = [...(c.command ?? []), ...(c.args ?? [])].join(" ");
  const m = /while\s+true\s*;?\s*do\s+(.*?)\s*;?\s*done/s.exec(script);
  if (!m) return undefined;
  const body = m[1] ?? "";
  const echo = /echo\s+(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^;]+))/.exec(body);
  const sleep = /sleep\s+(\d+(?:\.\d+)?)/.exec(body);
  if (!echo || !sleep) return undefined;
  const text = (echo[1] ?? echo[2] ?? echo[3] ?? "").trim();
  return { text, everyMs: Math.max(1, Number(sleep[1])) * 1000 };
}

/** Expand what the busybox shell would in a loop's echo. */
export function expandLine(text: string, at: number, pod: string): string {
  return text.replace(/\$\(date\)/g, busyboxDate(at)).replace(/\$\{?HOSTNAME\}?/g, pod);
}

export function startApp(sim: ClusterContext, pod: Pod, container: string, image: string): void {
  const ns = pod.metadata.namespace ?? "default";
  const name = pod.metadata.name ?? "";
  const app: AppState = {
    pod: name,
    ns,
    container,
    image,
    startedAt: sim.now(),
    requests: 0,
    log: [],
  };
  const kind = lookupImage(image)?.app;
  if (kind === "bootcamp") {
    const at = new Date(sim.now()).toISOString();
    app.log.push(
      [sim.now(), `Kubernetes Bootcamp App Started At: ${at} | Running On:  ${name} `],
      [sim.now(), ""],
    );
  } else if (kind === "nginx") {
    const t = nginxLogTime(sim.now());
    for (const line of [
      "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
      "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
      "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
      "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
      "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
      "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
      "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
      "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
      "/docker-entrypoint.sh: Configuration complete; ready for start up",
      `${t} [notice] 1#1: using the "epoll" event method`,
      `${t} [notice] 1#1: nginx/${NGINX_VERSION}`,
      `${t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) `,
      `${t} [notice] 1#1: OS: Linux 6.8.0-49-generic`,
      `${t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
      `${t} [notice] 1#1: start worker processes`,
      `${t} [notice] 1#1: start worker process 29`,
      `${t} [notice] 1#1: start worker process 30`,
    ]) {
      app.log.push([sim.now(), line]);
    }
  } else if (kind === "busybox") {
    const c = pod.spec.containers.find((x) => x.name === container);
    const loop = c ? shellLoop(c) : undefined;
    if (loop) {
      app.every = loop.everyMs;
      app.line = loop.text;
      // The first iteration echoes at once.
      app.next = sim.now();
    }
  }
  app.env = serviceEnv(sim, pod);
  sim.apps[sim.appKey(ns, name, container)] = app;
}

/** The app serving `pod`'s port, if any container listens there. */
export function appAt(sim: ClusterContext, ns: string, pod: string, port: number): AppState | undefined {
  const p = sim.store.peek<Pod>("pods", ns, pod);
  if (!p || (p.metadata.deletionTimestamp && !p.status.containerStatuses?.some((s) => s.state.running)))
    return undefined;
  for (const c of p.spec.containers) {
    const app = sim.apps[sim.appKey(ns, pod, c.name)];
    if (!app) continue;
    const info = lookupImage(app.image);
    if (info?.app === "bootcamp" && port === BOOTCAMP_PORT) return app;
    if (info?.app === "nginx" && port === NGINX_PORT) return app;
  }
  return undefined;
}

/** One HTTP request to whatever app listens (see appAt). */
export function serveApp(sim: ClusterContext, app: AppState, req?: NetRequest): HttpReply {
  if (lookupImage(app.image)?.app === "nginx") return serveNginx(sim, app, req);
  return serveBootcamp(sim, app);
}

const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** nginx's default server: the welcome page on `/`, 404 elsewhere; the `combined`-style access log. */
function serveNginx(sim: ClusterContext, app: AppState, req?: NetRequest): HttpReply {
  app.requests += 1;
  const now = sim.now();
  const method = req?.method ?? "GET";
  const path = req?.path || "/";
  const found = path === "/" || path === "/index.html";
  const body = found
    ? NGINX_WELCOME
    : `<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/${NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n`;
  const status = found ? 200 : 404;
  const from = req?.from;
  const remote =
    from?.kind === "pod"
      ? (sim.store.peek<Pod>("pods", from.namespace, from.pod)?.status.podIP ?? "10.244.0.1")
      : "10.244.0.1";
  const ua = req?.headers["user-agent"] ?? "-";
  const sent = method === "HEAD" ? 0 : body.length;
  sim.appendLog(
    app,
    `${remote} - - [${nginxTime(now)}] "${method} ${path} HTTP/1.1" ${status} ${sent} "-" "${ua}" "-"`,
  );
  return {
    status,
    statusText: found ? "OK" : "Not Found",
    headers: {
      server: `nginx/${NGINX_VERSION}`,
      date: new Date(now).toUTCString(),
      "content-type": "text/html",
      "content-length": String(body.length),
      connection: "keep-alive",
      ...(found
        ? {
            "last-modified": "Tue, 26 Nov 2024 15:55:00 GMT",
            etag: '"6745ef54-267"',
            "accept-ranges": "bytes",
          }
        : {}),
    },
    body: method === "HEAD" ? "" : body,
  };
}

export interface HttpReply {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP request handled by the bootcamp app: counts it and logs it. */
export function serveBootcamp(sim: ClusterContext, app: AppState): HttpReply {
  app.requests += 1;
  const now = sim.now();
  const uptime = (now - app.startedAt) / 1000;
  sim.appendLog(
    app,
    `Running On: ${app.pod} | Total Requests: ${app.requests} | App Uptime: ${uptime} seconds | Log Time: ${new Date(now).toISOString()}`,
  );
  const version = lookupImage(app.image)?.version ?? 1;
  return {
    status: 200,
    statusText: "OK",
    headers: {
      "content-type": "text/plain",
      date: new Date(now).toUTCString(),
      connection: "keep-alive",
      "transfer-encoding": "chunked",
    },
    body: `Hello Kubernetes bootcamp! | Running on: ${app.pod} | v=${version}\n`,
  };
}

/** Docker-link style variables for every Service that existed when the container started. */
function serviceEnv(sim: ClusterContext, pod: Pod): Array<[string, string]> {
  const ns = pod.metadata.namespace ?? "default";
  const out: Array<[string, string]> = [];
  const services = [
    ...sim.store.scan<Service>("services", ns),
    ...(ns === "default"
      ? []
      : sim.store.scan<Service>("services", "default").filter((s) => s.metadata.name === "kubernetes")),
  ];
  if (pod.spec.enableServiceLinks === false) {
    const k = services.filter((s) => s.metadata.name === "kubernetes" && s.metadata.namespace === "default");
    services.length = 0;
    services.push(...k);
  }
  for (const s of services) {
    const ip = s.spec.clusterIP;
    if (!ip || ip === "None") continue;
    const p0 = s.spec.ports?.[0];
    if (!p0) continue;
    const base = (s.metadata.name ?? "").toUpperCase().replace(/-/g, "_");
    out.push([`${base}_SERVICE_HOST`, ip], [`${base}_SERVICE_PORT`, String(p0.port)]);
    for (const p of s.spec.ports ?? []) {
      if (p.name)
        out.push([`${base}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`, String(p.port)]);
    }
    out.push([`${base}_PORT`, `${(p0.protocol ?? "TCP").toLowerCase()}://${ip}:${p0.port}`]);
    for (const p of s.spec.ports ?? []) {
      const proto = (p.protocol ?? "TCP").toLowerCase();
      const pre = `${base}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push(
        [pre, `${proto}://${ip}:${p.port}`],
        [`${pre}_PROTO`, proto],
        [`${pre}_PORT`, String(p.port)],
        [`${pre}_ADDR`, ip],
      );
    }
  }
  return out;
}

/** `/server.js` of the bootcamp image — our own text with the same behaviour. */
export const SERVER_JS = `var http = require('http');

// Counts requests and remembers when the server came up, so each log line can say so.
var totalRequests = 0;
var startedAt;
var podName;

function answer(req, res) {
  totalRequests += 1;
  res.setHeader('Content-Type', 'text/plain');
  res.writeHead(200);
  res.end('Hello Kubernetes bootcamp! | Running on: ' + podName + ' | v=1\\n');
  var uptime = (+new Date - startedAt) / 1000;
  console.log('Running On:', podName, '| Total Requests:', totalRequests,
              '| App Uptime:', uptime, 'seconds', '| Log Time:', new Date);
}

var server = http.createServer(answer);
server.listen(8080, function () {
  startedAt = +new Date;
  podName = process.env.HOSTNAME;
  console.log('Kubernetes Bootcamp App Started At:', new Date(startedAt).toISOString(),
              '| Running On: ', podName, '\\n');
});
`;

export const ROOT_LISTING = [
  "bin",
  "boot",
  "core",
  "dev",
  "etc",
  "home",
  "lib",
  "lib64",
  "media",
  "mnt",
  "opt",
  "proc",
  "root",
  "run",
  "sbin",
  "server.js",
  "srv",
  "sys",
  "tmp",
  "usr",
  "var",
];
