import { asArr, asObj, type Obj, str } from "../client";
import { describeContainers, describeVolumes } from "./containers";
import {
  annotationsMultiline,
  controllerOf,
  date,
  describeEvents,
  labelsMultiline,
  PrefixWriter,
  tolerationsMultiline,
} from "./writer";

export function describePod(pod: Obj, events: Obj[] | undefined, now: number): string {
  const w = new PrefixWriter(now);
  const m = asObj(pod.metadata);
  const spec = asObj(pod.spec);
  const status = asObj(pod.status);
  w.write(0, `Name:\t${str(m.name)}\n`);
  w.write(0, `Namespace:\t${str(m.namespace)}\n`);
  if (typeof spec.priority === "number") w.write(0, `Priority:\t${spec.priority}\n`);
  if (str(spec.priorityClassName)) w.write(0, `Priority Class Name:\t${str(spec.priorityClassName)}\n`);
  if (str(spec.runtimeClassName)) w.write(0, `Runtime Class Name:\t${str(spec.runtimeClassName)}\n`);
  if (str(spec.serviceAccountName)) w.write(0, `Service Account:\t${str(spec.serviceAccountName)}\n`);
  if (!str(spec.nodeName)) w.write(0, "Node:\t<none>\n");
  else w.write(0, `Node:\t${str(spec.nodeName)}/${str(status.hostIP)}\n`);
  if (status.startTime) w.write(0, `Start Time:\t${date(status.startTime)}\n`);
  labelsMultiline(w, "Labels", m.labels);
  annotationsMultiline(w, "Annotations", m.annotations);
  const phase = str(status.phase);
  if (m.deletionTimestamp && phase !== "Failed" && phase !== "Succeeded") {
    w.write(0, `Status:\tTerminating (lasts ${w.since(m.deletionTimestamp)})\n`);
    w.write(0, `Termination Grace Period:\t${Number(m.deletionGracePeriodSeconds ?? 0)}s\n`);
  } else w.write(0, `Status:\t${phase}\n`);
  if (str(status.reason)) w.write(0, `Reason:\t${str(status.reason)}\n`);
  if (str(status.message)) w.write(0, `Message:\t${str(status.message)}\n`);
  w.write(0, `IP:\t${str(status.podIP)}\n`);
  const ips = asArr(status.podIPs).map(asObj);
  if (ips.length === 0) w.write(0, "IPs:\t<none>\n");
  else {
    w.write(0, "IPs:\n");
    for (const ip of ips) w.write(1, `IP:\t${str(ip.ip)}\n`);
  }
  const ctl = controllerOf(pod);
  if (ctl) w.write(0, `Controlled By:\t${ctl}\n`);
  if (str(status.nominatedNodeName)) w.write(0, `NominatedNodeName:\t${str(status.nominatedNodeName)}\n`);
  if (asArr(spec.initContainers).length > 0)
    describeContainers(w, "Init Containers", spec.initContainers, status.initContainerStatuses, "");
  describeContainers(w, "Containers", spec.containers, status.containerStatuses, "");
  const gates = asArr(spec.readinessGates).map(asObj);
  if (gates.length > 0) {
    w.write(0, "Readiness Gates:\n  Type\tStatus\n");
    for (const g of gates) {
      const cond = asArr(status.conditions)
        .map(asObj)
        .find((c) => c.type === g.conditionType);
      w.write(1, `${str(g.conditionType)} \t${cond ? str(cond.status) : "<none>"} \n`);
    }
  }
  const conds = asArr(status.conditions).map(asObj);
  if (conds.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\n");
    for (const c of conds) w.write(1, `${str(c.type)} \t${str(c.status)} \n`);
  }
  describeVolumes(w, spec.volumes, "");
  w.write(0, `QoS Class:\t${str(status.qosClass) || "BestEffort"}\n`);
  labelsMultiline(w, "Node-Selectors", spec.nodeSelector);
  tolerationsMultiline(w, "Tolerations", spec.tolerations);
  describeEvents(w, events);
  return w.toString();
}

export function describePodTemplate(w: PrefixWriter, template: Obj): void {
  w.write(0, "Pod Template:\n");
  const m = asObj(template.metadata);
  const spec = asObj(template.spec);
  labelsMultiline(w, "  Labels", m.labels);
  if (Object.keys(asObj(m.annotations)).length > 0) annotationsMultiline(w, "  Annotations", m.annotations);
  if (str(spec.serviceAccountName)) w.write(1, `Service Account:\t${str(spec.serviceAccountName)}\n`);
  if (asArr(spec.initContainers).length > 0)
    describeContainers(w, "Init Containers", spec.initContainers, undefined, "  ");
  describeContainers(w, "Containers", spec.containers, undefined, "  ");
  describeVolumes(w, spec.volumes, "  ");
  if (str(spec.priorityClassName)) w.write(1, `Priority Class Name:\t${str(spec.priorityClassName)}\n`);
  labelsMultiline(w, "  Node-Selectors", spec.nodeSelector);
  tolerationsMultiline(w, "  Tolerations", spec.tolerations);
}
