/**
 * `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE…`: binds workstation loopback ports (as
 * `kubectl proxy` does) and forwards each request to the pod's own port, until Ctrl-C. A
 * service or deployment forwards to one of its running pods, the service port mapped to the
 * target port as kubectl maps it.
 */
import type { NetRequest } from "../../cluster/types";
import { ApiError, asArr, asObj, fail, type Obj, str } from "../client";
import type { Command, Ctx } from "./types";

function selectorQuery(sel: Obj): string {
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${str(v)}`)
    .join(",");
}

/** The pod behind TYPE/NAME (kubectl's AttachablePodForObject: a running pod first). */
function podFor(ctx: Ctx, arg: string): { pod: Obj; service?: Obj } {
  const slash = arg.indexOf("/");
  const type = slash < 0 ? "pods" : arg.slice(0, slash);
  const name = slash < 0 ? arg : arg.slice(slash + 1);
  const info = ctx.client.resolve(type);
  const obj = ctx.client.get(ctx.client.resourcePath(info, ctx.namespace, name));
  if (info.resource === "pods") return { pod: obj };
  const spec = asObj(obj.spec);
  const selector =
    info.resource === "services" ? asObj(spec.selector) : asObj(asObj(spec.selector).matchLabels);
  if (Object.keys(selector).length === 0)
    throw fail(`cannot attach to ${info.kind.toLowerCase()}: selector is empty`);
  const pods = asArr(
    ctx.client.get(`/api/v1/namespaces/${ctx.namespace}/pods`, { labelSelector: selectorQuery(selector) })
      .items,
  ).map(asObj);
  const running = pods.find((p) => str(asObj(p.status).phase) === "Running") ?? pods[0];
  if (running === undefined) throw fail("timed out waiting for the condition");
  return info.resource === "services" ? { pod: running, service: obj } : { pod: running };
}

/** The container port a name or number means in the pod. */
function podPort(pod: Obj, remote: string): number {
  if (/^\d+$/.test(remote)) return Number(remote);
  for (const c of asArr(asObj(pod.spec).containers).map(asObj))
    for (const p of asArr(c.ports).map(asObj)) if (str(p.name) === remote) return Number(p.containerPort);
  throw fail(`Pod '${str(asObj(pod.metadata).name)}' does not have a named port '${remote}'`);
}

/** A service port translated to the pod's target port. */
function servicePort(svc: Obj, pod: Obj, port: string): number {
  const ports = asArr(asObj(svc.spec).ports).map(asObj);
  const sp = ports.find((p) => String(p.port) === port || str(p.name) === port);
  if (sp === undefined)
    throw fail(`Service ${str(asObj(svc.metadata).name)} does not have a service port ${port}`);
  const target = sp.targetPort ?? sp.port;
  return typeof target === "number" ? target : podPort(pod, String(target));
}

export const portForwardCommand: Command = {
  name: "port-forward",
  args: "pod",
  short: "Forward one or more local ports to a pod",
  flags: [
    { name: "address", kind: "strings", def: "localhost" },
    { name: "pod-running-timeout", kind: "string", def: "1m0s" },
  ],
  async run(ctx, f) {
    const [target, ...specs] = f.args;
    if (target === undefined || specs.length === 0)
      throw fail(
        "TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples",
      );
    let found: { pod: Obj; service?: Obj };
    try {
      found = podFor(ctx, target);
    } catch (e) {
      if (e instanceof ApiError) throw e.toCmdError();
      throw e;
    }
    const { pod, service } = found;
    const podName = str(asObj(pod.metadata).name);
    const phase = str(asObj(pod.status).phase);
    if (phase !== "Running")
      throw fail(`unable to forward port because pod is not running. Current status=${phase}`);
    const pairs = specs.map((spec) => {
      const [localText = "", remoteText = localText] = spec.includes(":") ? spec.split(":", 2) : [spec, spec];
      const remote = service ? servicePort(service, pod, remoteText) : podPort(pod, remoteText);
      if (localText !== "" && !/^\d+$/.test(localText))
        throw fail(`Error parsing local port '${localText}': invalid syntax`);
      const local = localText === "" ? 30000 + (remote % 10000) : Number(localText);
      if (local < 1 || local > 65535 || remote < 1 || remote > 65535)
        throw fail(`Port ${local < 1 || local > 65535 ? local : remote} must be in the range 1-65535`);
      return { local, remote };
    });
    const machine = ctx.io.machine;
    const bound: number[] = [];
    for (const { local, remote } of pairs) {
      const serve = (req: NetRequest) => {
        ctx.out(`Handling connection for ${local}\n`);
        return machine.net({
          ...req,
          host: "localhost",
          port: remote,
          from: { kind: "pod", namespace: ctx.namespace, pod: podName },
        });
      };
      if (!machine.listen(local, serve)) {
        for (const p of bound) machine.unlisten(p);
        ctx.err(
          `Unable to listen on port ${local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${local}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:${local}: bind: address already in use]\n`,
        );
        throw fail(`unable to listen on any of the requested ports: [{${local} ${remote}}]`);
      }
      bound.push(local);
      ctx.out(
        `Forwarding from 127.0.0.1:${local} -> ${remote}\nForwarding from [::1]:${local} -> ${remote}\n`,
      );
    }
    await ctx.io.interrupt.promise;
    for (const p of bound) machine.unlisten(p);
    return 0;
  },
};
