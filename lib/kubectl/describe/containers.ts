/** The parts of describe shared by pods and pod templates: containers, volumes. */
import { asArr, asObj, type Obj, str } from "../client";
import { date, type PrefixWriter } from "./writer";

function ports(c: Obj, key: "containerPort" | "hostPort"): string {
  return asArr(c.ports)
    .map(asObj)
    .map((p) => `${Number(p[key] ?? 0)}/${str(p.protocol) || "TCP"}`)
    .join(", ");
}

function describeState(w: PrefixWriter, title: string, state: Obj): void {
  const running = state.running ? asObj(state.running) : undefined;
  const waiting = state.waiting ? asObj(state.waiting) : undefined;
  const terminated = state.terminated ? asObj(state.terminated) : undefined;
  if (running) {
    w.write(2, `${title}:\tRunning\n`);
    w.write(3, `Started:\t${date(running.startedAt)}\n`);
  } else if (waiting) {
    w.write(2, `${title}:\tWaiting\n`);
    if (str(waiting.reason)) w.write(3, `Reason:\t${str(waiting.reason)}\n`);
  } else if (terminated) {
    w.write(2, `${title}:\tTerminated\n`);
    if (str(terminated.reason)) w.write(3, `Reason:\t${str(terminated.reason)}\n`);
    if (str(terminated.message)) w.write(3, `Message:\t${str(terminated.message)}\n`);
    w.write(3, `Exit Code:\t${Number(terminated.exitCode ?? 0)}\n`);
    if (Number(terminated.signal ?? 0) > 0) w.write(3, `Signal:\t${Number(terminated.signal)}\n`);
    w.write(3, `Started:\t${date(terminated.startedAt)}\n`);
    w.write(3, `Finished:\t${date(terminated.finishedAt)}\n`);
  } else w.write(2, `${title}:\tWaiting\n`);
}

function probe(p: Obj): string {
  const attrs = `delay=${Number(p.initialDelaySeconds ?? 0)}s timeout=${Number(p.timeoutSeconds ?? 1)}s period=${Number(
    p.periodSeconds ?? 10,
  )}s #success=${Number(p.successThreshold ?? 1)} #failure=${Number(p.failureThreshold ?? 3)}`;
  if (p.httpGet) {
    const h = asObj(p.httpGet);
    const scheme = (str(h.scheme) || "HTTP").toLowerCase();
    const host = str(h.host);
    return `http-get ${scheme}://${host}:${str(h.port)}${str(h.path)} ${attrs}`;
  }
  if (p.tcpSocket)
    return `tcp-socket ${str(asObj(p.tcpSocket).host)}:${str(asObj(p.tcpSocket).port)} ${attrs}`;
  if (p.exec) return `exec [${asArr(asObj(p.exec).command).map(str).join(" ")}] ${attrs}`;
  return `unknown ${attrs}`;
}

export function describeContainers(
  w: PrefixWriter,
  label: string,
  containers: unknown,
  statuses: unknown,
  space: string,
): void {
  const list = asArr(containers).map(asObj);
  const byName = new Map<string, Obj>();
  for (const s of asArr(statuses).map(asObj)) byName.set(str(s.name), s);
  w.write(0, `${space}${label}:${list.length === 0 ? " <none>" : ""}\n`);
  for (const c of list) {
    const status = byName.get(str(c.name));
    w.write(1, `${space ? " " : ""}${str(c.name)}:\n`);
    if (status) w.write(2, `Container ID:\t${str(status.containerID)}\n`);
    w.write(2, `Image:\t${str(c.image)}\n`);
    if (status) w.write(2, `Image ID:\t${str(status.imageID)}\n`);
    const p = ports(c, "containerPort");
    if (p.includes(",")) w.write(2, `Ports:\t${p}\n`);
    else w.write(2, `Port:\t${p || "<none>"}\n`);
    const hp = ports(c, "hostPort");
    if (hp.includes(",")) w.write(2, `Host Ports:\t${hp}\n`);
    else w.write(2, `Host Port:\t${hp || "<none>"}\n`);
    for (const [key, title] of [
      ["command", "Command"],
      ["args", "Args"],
    ] as const) {
      const items = asArr(c[key]).map(str);
      if (items.length > 0) {
        w.write(2, `${title}:\n`);
        for (const it of items) for (const s of it.split("\n")) w.write(3, `${s}\n`);
      }
    }
    if (status) {
      describeState(w, "State", asObj(status.state));
      const last = asObj(status.lastState);
      if (last.terminated) describeState(w, "Last State", last);
      w.write(2, `Ready:\t${status.ready === true ? "True" : "False"}\n`);
      w.write(2, `Restart Count:\t${Number(status.restartCount ?? 0)}\n`);
    }
    const res = asObj(c.resources);
    for (const [key, title] of [
      ["limits", "Limits"],
      ["requests", "Requests"],
    ] as const) {
      const m = asObj(res[key]);
      const names = Object.keys(m).sort();
      if (names.length > 0) w.write(2, `${title}:\n`);
      for (const n of names) w.write(3, `${n}:\t${str(m[n])}\n`);
    }
    if (c.livenessProbe) w.write(2, `Liveness:\t${probe(asObj(c.livenessProbe))}\n`);
    if (c.readinessProbe) w.write(2, `Readiness:\t${probe(asObj(c.readinessProbe))}\n`);
    if (c.startupProbe) w.write(2, `Startup:\t${probe(asObj(c.startupProbe))}\n`);
    const env = asArr(c.env).map(asObj);
    w.write(2, `Environment:${env.length === 0 ? "\t<none>" : ""}\n`);
    for (const e of env) {
      if (e.valueFrom === undefined) {
        str(e.value)
          .split("\n")
          .forEach((s, i) => {
            w.write(3, i === 0 ? `${str(e.name)}:\t${s}\n` : `\t${s}\n`);
          });
        continue;
      }
      const vf = asObj(e.valueFrom);
      if (vf.fieldRef) {
        const f = asObj(vf.fieldRef);
        w.write(3, `${str(e.name)}:\t (${str(f.apiVersion)}:${str(f.fieldPath)})\n`);
      } else if (vf.secretKeyRef) {
        const s = asObj(vf.secretKeyRef);
        w.write(
          3,
          `${str(e.name)}:\t<set to the key '${str(s.key)}' in secret '${str(s.name)}'>\tOptional: ${s.optional === true}\n`,
        );
      } else if (vf.configMapKeyRef) {
        const s = asObj(vf.configMapKeyRef);
        w.write(
          3,
          `${str(e.name)}:\t<set to the key '${str(s.key)}' of config map '${str(s.name)}'>\tOptional: ${s.optional === true}\n`,
        );
      } else w.write(3, `${str(e.name)}:\t\n`);
    }
    const mounts = asArr(c.volumeMounts)
      .map(asObj)
      .sort((a, b) => (str(a.mountPath) < str(b.mountPath) ? -1 : 1));
    w.write(2, `Mounts:${mounts.length === 0 ? "\t<none>" : ""}\n`);
    for (const m of mounts) {
      const flags = [m.readOnly === true ? "ro" : "rw"];
      if (str(m.subPath)) flags.push(`path=${JSON.stringify(str(m.subPath))}`);
      w.write(3, `${str(m.mountPath)} from ${str(m.name)} (${flags.join(",")})\n`);
    }
  }
}

const optional = (v: unknown): string => (v === undefined || v === null ? "<nil>" : String(v));

export function describeVolumes(w: PrefixWriter, volumes: unknown, space: string): void {
  const list = asArr(volumes).map(asObj);
  if (list.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of list) {
    w.write(1, `${space ? " " : ""}${str(v.name)}:\n`);
    if (v.projected) {
      w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
      for (const s of asArr(asObj(v.projected).sources).map(asObj)) {
        if (s.secret) {
          const x = asObj(s.secret);
          w.write(2, `SecretName:\t${str(x.name)}\n    SecretOptionalName:\t${optional(x.optional)}\n`);
        } else if (s.downwardAPI) w.write(2, "DownwardAPI:\ttrue\n");
        else if (s.configMap) {
          const x = asObj(s.configMap);
          w.write(2, `ConfigMapName:\t${str(x.name)}\n    ConfigMapOptional:\t${optional(x.optional)}\n`);
        } else if (s.serviceAccountToken) {
          w.write(
            2,
            `TokenExpirationSeconds:\t${Number(asObj(s.serviceAccountToken).expirationSeconds ?? 0)}\n`,
          );
        }
      }
    } else if (v.emptyDir) {
      const e = asObj(v.emptyDir);
      w.write(
        2,
        `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${str(e.medium)}\n`,
      );
      w.write(2, `SizeLimit:\t${str(e.sizeLimit) || "<unset>"}\n`);
    } else if (v.hostPath) {
      const h = asObj(v.hostPath);
      w.write(
        2,
        `Type:\tHostPath (bare host directory volume)\n    Path:\t${str(h.path)}\n    HostPathType:\t${str(h.type)}\n`,
      );
    } else if (v.configMap) {
      const c = asObj(v.configMap);
      w.write(
        2,
        `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${str(c.name)}\n    Optional:\t${c.optional === true}\n`,
      );
    } else if (v.secret) {
      const c = asObj(v.secret);
      w.write(
        2,
        `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${str(c.secretName)}\n    Optional:\t${c.optional === true}\n`,
      );
    } else w.write(1, "<unknown>\n");
  }
}
