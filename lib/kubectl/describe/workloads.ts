import { asArr, asObj, type Obj, str } from "../client";
import { describePodTemplate } from "./pod";
import {
  annotationsMultiline,
  controllerOf,
  date,
  describeEvents,
  formatLabelSelector,
  labelsMultiline,
  PrefixWriter,
} from "./writer";

function rsList(list: Obj[]): string {
  const s = list
    .map(
      (rs) =>
        `${str(asObj(rs.metadata).name)} (${Number(asObj(rs.status).replicas ?? 0)}/${Number(asObj(rs.spec).replicas ?? 0)} replicas created)`,
    )
    .join(", ");
  return s === "" ? "<none>" : s;
}

export function describeDeployment(
  d: Obj,
  oldRSs: Obj[],
  newRS: Obj | undefined,
  events: Obj[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter(now);
  const m = asObj(d.metadata);
  const spec = asObj(d.spec);
  const status = asObj(d.status);
  w.write(0, `Name:\t${str(m.name)}\n`);
  w.write(0, `Namespace:\t${str(m.namespace)}\n`);
  w.write(0, `CreationTimestamp:\t${date(m.creationTimestamp)}\n`);
  labelsMultiline(w, "Labels", m.labels);
  annotationsMultiline(w, "Annotations", m.annotations);
  const sel = formatLabelSelector(spec.selector);
  w.write(0, `Selector:\t${sel === "<none>" ? "" : sel}\n`);
  const n = (v: unknown): number => Number(v ?? 0);
  w.write(
    0,
    `Replicas:\t${n(spec.replicas)} desired | ${n(status.updatedReplicas)} updated | ${n(status.replicas)} total | ${n(
      status.availableReplicas,
    )} available | ${n(status.unavailableReplicas)} unavailable\n`,
  );
  const strategy = asObj(spec.strategy);
  w.write(0, `StrategyType:\t${str(strategy.type)}\n`);
  w.write(0, `MinReadySeconds:\t${n(spec.minReadySeconds)}\n`);
  if (strategy.rollingUpdate) {
    const ru = asObj(strategy.rollingUpdate);
    w.write(
      0,
      `RollingUpdateStrategy:\t${str(ru.maxUnavailable)} max unavailable, ${str(ru.maxSurge)} max surge\n`,
    );
  }
  describePodTemplate(w, asObj(spec.template));
  const conds = asArr(status.conditions).map(asObj);
  if (conds.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (const c of conds) w.write(1, `${str(c.type)} \t${str(c.status)}\t${str(c.reason)}\n`);
  }
  w.write(0, `OldReplicaSets:\t${rsList(oldRSs)}\n`);
  w.write(0, `NewReplicaSet:\t${rsList(newRS ? [newRS] : [])}\n`);
  describeEvents(w, events);
  return w.toString();
}

export function describeReplicaSet(
  rs: Obj,
  counts: { running: number; waiting: number; succeeded: number; failed: number },
  events: Obj[] | undefined,
  now: number,
): string {
  const w = new PrefixWriter(now);
  const m = asObj(rs.metadata);
  const spec = asObj(rs.spec);
  const status = asObj(rs.status);
  w.write(0, `Name:\t${str(m.name)}\n`);
  w.write(0, `Namespace:\t${str(m.namespace)}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(spec.selector)}\n`);
  labelsMultiline(w, "Labels", m.labels);
  annotationsMultiline(w, "Annotations", m.annotations);
  const ctl = controllerOf(rs);
  if (ctl) w.write(0, `Controlled By:\t${ctl}\n`);
  w.write(0, `Replicas:\t${Number(status.replicas ?? 0)} current / ${Number(spec.replicas ?? 0)} desired\n`);
  w.write(
    0,
    `Pods Status:\t${counts.running} Running / ${counts.waiting} Waiting / ${counts.succeeded} Succeeded / ${counts.failed} Failed\n`,
  );
  describePodTemplate(w, asObj(spec.template));
  const conds = asArr(status.conditions).map(asObj);
  if (conds.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (const c of conds) w.write(1, `${str(c.type)} \t${str(c.status)}\t${str(c.reason)}\n`);
  }
  describeEvents(w, events);
  return w.toString();
}
