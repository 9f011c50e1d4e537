/**
 * Images as behaviours. The kubernetes-bootcamp app answers every HTTP request on 8080 with a
 * greeting naming its pod and counts requests in its log; system images just run.
 */
import { lookupImage } from "./images";
import type { Pod, Service } from "./model";
import type { AppState, Sim } from "./sim";

export const BOOTCAMP_PORT = 8080;

export function startApp(sim: Sim, pod: Pod, container: string, image: string): void {
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
  if (lookupImage(image)?.app === "bootcamp") {
    const at = new Date(sim.now()).toISOString();
    app.log.push(
      [sim.now(), `Kubernetes Bootcamp App Started At: ${at} | Running On:  ${name} `],
      [sim.now(), ""],
    );
  }
  app.env = serviceEnv(sim, pod);
  sim.apps[sim.appKey(ns, name, container)] = app;
}

/** The app serving `pod`'s port, if any container listens there. */
export function appAt(sim: Sim, ns: string, pod: string, port: number): AppState | undefined {
  const p = sim.store.peek<Pod>("pods", ns, pod);
  if (!p || (p.metadata.deletionTimestamp && !p.status.containerStatuses?.some((s) => s.state.running)))
    return undefined;
  for (const c of p.spec.containers) {
    const app = sim.apps[sim.appKey(ns, pod, c.name)];
    if (!app) continue;
    const info = lookupImage(app.image);
    if (info?.app === "bootcamp" && port === BOOTCAMP_PORT) return app;
  }
  return undefined;
}

export interface HttpReply {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP request handled by the bootcamp app: counts it and logs it. */
export function serveBootcamp(sim: Sim, app: AppState): HttpReply {
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
function serviceEnv(sim: Sim, pod: Pod): Array<[string, string]> {
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
  var uptime = (Date.now() - startedAt) / 1000;
  console.log('Running On:', podName, '| Total Requests:', totalRequests,
              '| App Uptime:', uptime, 'seconds', '| Log Time:', new Date());
}

var server = http.createServer(answer);
server.listen(8080, function () {
  startedAt = Date.now();
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
