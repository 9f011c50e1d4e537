import { ApiError, asArr, asObj, CmdError, fail, kindPrefix, type Obj, str } from "../client";
import { describePodTemplate } from "../describe/pod";
import { PrefixWriter } from "../describe/writer";
import { describeTabs } from "../tabwriter";
import { rfc3339 } from "../time";
import { dryRunFlag, dryRunOf, dryRunQuery, dryRunSuffix } from "./dryrun";
import { patch, ref, resolveTargets, type Target } from "./mutate";
import { type Command, type Ctx, sleep } from "./types";

const REVISION = "deployment.kubernetes.io/revision";

function deploymentStatus(d: Obj): { msg: string; done: boolean; error?: string } {
  const m = asObj(d.metadata);
  const spec = asObj(d.spec);
  const st = asObj(d.status);
  const name = str(m.name);
  if (Number(m.generation ?? 0) <= Number(st.observedGeneration ?? 0)) {
    const prog = asArr(st.conditions)
      .map(asObj)
      .find((c) => c.type === "Progressing");
    if (prog && prog.reason === "ProgressDeadlineExceeded")
      return { msg: "", done: false, error: `deployment "${name}" exceeded its progress deadline` };
    const desired = Number(spec.replicas ?? 1);
    const updated = Number(st.updatedReplicas ?? 0);
    const replicas = Number(st.replicas ?? 0);
    const available = Number(st.availableReplicas ?? 0);
    if (updated < desired)
      return {
        msg: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...\n`,
        done: false,
      };
    if (replicas > updated)
      return {
        msg: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...\n`,
        done: false,
      };
    if (available < updated)
      return {
        msg: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...\n`,
        done: false,
      };
    return { msg: `deployment "${name}" successfully rolled out\n`, done: true };
  }
  return { msg: "Waiting for deployment spec update to be observed...\n", done: false };
}

function single(ctx: Ctx, args: string[]): Target {
  const { targets, failed } = resolveTargets(ctx, args, {});
  if (failed) throw new CmdError("", 1);
  const t = targets[0];
  if (!t) throw fail("required resource not specified");
  if (t.info.kind !== "Deployment") throw fail(`no status viewer has been implemented for ${t.info.kind}`);
  return t;
}

function ownedReplicaSets(ctx: Ctx, t: Target): Obj[] {
  const uid = str(asObj(t.obj.metadata).uid);
  const ml = asObj(asObj(asObj(t.obj.spec).selector).matchLabels);
  const sel = Object.keys(ml)
    .sort()
    .map((k) => `${k}=${str(ml[k])}`)
    .join(",");
  return asArr(
    ctx.client.get(`/apis/apps/v1/namespaces/${t.namespace ?? ctx.namespace}/replicasets`, {
      labelSelector: sel,
    }).items,
  )
    .map(asObj)
    .filter((rs) => asArr(asObj(rs.metadata).ownerReferences).some((r) => asObj(r).uid === uid));
}

const revisionOf = (rs: Obj): number => Number(str(asObj(asObj(rs.metadata).annotations)[REVISION]) || 0);

const status: Command = {
  name: "status",
  args: "resource",
  short: "Show the status of the rollout",
  flags: [
    { name: "watch", short: "w", kind: "bool", def: "true" },
    { name: "revision", kind: "int", def: "0" },
    { name: "timeout", kind: "string", def: "0s" },
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "filename", short: "f", kind: "strings", def: "" },
  ],
  async run(ctx, f) {
    const t = single(ctx, f.args);
    let last = "";
    for (;;) {
      const d = ctx.client.get(ctx.client.resourcePath(t.info, t.namespace, t.name));
      const s = deploymentStatus(d);
      if (s.error) throw fail(s.error);
      if (s.msg !== last) ctx.out(s.msg);
      last = s.msg;
      if (s.done || !f.bool("watch")) return 0;
      if (!(await sleep(ctx.io, 1000))) return 130;
    }
  },
};

const history: Command = {
  name: "history",
  args: "resource",
  short: "View rollout history",
  flags: [{ name: "revision", kind: "int", def: "0" }],
  async run(ctx, f) {
    const t = single(ctx, f.args);
    const rss = ownedReplicaSets(ctx, t).sort((a, b) => revisionOf(a) - revisionOf(b));
    const want = f.int("revision");
    if (want > 0) {
      const rs = rss.find((r) => revisionOf(r) === want);
      if (!rs) throw fail(`unable to find the specified revision`);
      // the history viewer's printTemplate: DescribePodTemplate on a plain writer (tabs kept)
      const w = new PrefixWriter(ctx.io.clock.now());
      describePodTemplate(w, asObj(asObj(rs.spec).template));
      ctx.out(`${ref(t)} with revision #${want}\n${w.raw()}\n`);
      return 0;
    }
    let text = "REVISION\tCHANGE-CAUSE\n";
    for (const rs of rss) {
      const cause = str(asObj(asObj(rs.metadata).annotations)["kubernetes.io/change-cause"]) || "<none>";
      text += `${revisionOf(rs)}\t${cause}\n`;
    }
    ctx.out(`${ref(t)} \n${describeTabs(text)}\n`);
    return 0;
  },
};

function stripHash(template: unknown): Obj {
  const c = JSON.parse(JSON.stringify(asObj(template))) as Obj;
  const labels = asObj(asObj(c.metadata).labels);
  delete labels["pod-template-hash"];
  return c;
}

/** What `rollout undo` does not copy from the ReplicaSet back to the deployment (kubectl's annotationsToSkip). */
const SKIP_ANNOTATIONS = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  "deployment.kubernetes.io/revision",
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
]);

const revisionAnnotations = (rs: Obj): Obj =>
  Object.fromEntries(
    Object.entries(asObj(asObj(rs.metadata).annotations)).filter(([k]) => !SKIP_ANNOTATIONS.has(k)),
  );

const undo: Command = {
  name: "undo",
  args: "resource",
  short: "Undo a previous rollout",
  flags: [{ name: "to-revision", kind: "int", def: "0" }, dryRunFlag],
  async run(ctx, f) {
    const dryRun = dryRunOf(ctx, f);
    const t = single(ctx, f.args);
    const rss = ownedReplicaSets(ctx, t).sort((a, b) => revisionOf(b) - revisionOf(a));
    const name = t.name;
    const to = f.int("to-revision");
    let target: Obj | undefined;
    if (to > 0) {
      target = rss.find((r) => revisionOf(r) === to);
      if (!target) throw fail(`unable to find specified revision ${to} in history`);
    } else {
      target = rss[1];
      if (!target) throw fail(`no rollout history found for deployment "${name}"`);
    }
    const template = stripHash(asObj(target.spec).template);
    if (JSON.stringify(template) === JSON.stringify(stripHash(asObj(t.obj.spec).template))) {
      ctx.out(
        `${ref(t)} skipped rollback (current template already matches revision ${revisionOf(target)})\n`,
      );
      return 0;
    }
    if (dryRun === "client") {
      // kubectl prints the template it would roll back to, as describe writes it (tabs kept)
      const w = new PrefixWriter(ctx.io.clock.now());
      describePodTemplate(w, asObj(asObj(target.spec).template));
      ctx.out(`${kindPrefix(t.info)}/${name} ${w.raw()}${dryRunSuffix(dryRun)}\n`);
      return 0;
    }
    try {
      patch(
        ctx,
        t,
        [
          { op: "replace", path: "/spec/template", value: template },
          // the deployment's annotations become the revision's (minus the rollout bookkeeping ones)
          { op: "replace", path: "/metadata/annotations", value: revisionAnnotations(target) },
        ],
        "json",
        undefined,
        dryRunQuery(dryRun),
      );
    } catch (e) {
      if (e instanceof ApiError) throw e.toCmdError();
      throw e;
    }
    ctx.out(`${kindPrefix(t.info)}/${name} rolled back${dryRunSuffix(dryRun)}\n`);
    return 0;
  },
};

const restart: Command = {
  name: "restart",
  args: "resource",
  short: "Restart a resource",
  flags: [{ name: "selector", short: "l", kind: "string", def: "" }],
  async run(ctx, f) {
    const { targets, failed } = resolveTargets(ctx, f.args, { selector: f.str("selector") });
    for (const t of targets) {
      patch(
        ctx,
        t,
        {
          spec: {
            template: {
              metadata: {
                annotations: {
                  "kubectl.kubernetes.io/restartedAt": rfc3339(ctx.io.clock.now()),
                },
              },
            },
          },
        },
        "strategic",
      );
      ctx.out(`${ref(t)} restarted\n`);
    }
    return failed ? 1 : 0;
  },
};

const pauseResume = (name: "pause" | "resume"): Command => ({
  name,
  args: "resource",
  short: name === "pause" ? "Mark the provided resource as paused" : "Resume a paused resource",
  flags: [],
  async run(ctx, f) {
    const t = single(ctx, f.args);
    const paused = asObj(t.obj.spec).paused === true;
    if (paused === (name === "pause")) {
      // ObjectPauserFn / ObjectResumerFn refuse, and rollout prints `error: GROUPRESOURCE "NAME" …`
      const gr = t.info.group ? `${t.info.resource}.${t.info.group}` : t.info.resource;
      throw fail(
        `${gr} "${str(asObj(t.obj.metadata).name)}" ${name === "pause" ? "is already paused" : "is not paused"}`,
      );
    }
    patch(ctx, t, { spec: { paused: name === "pause" } }, "strategic");
    ctx.out(`${ref(t)} ${name === "pause" ? "paused" : "resumed"}\n`);
    return 0;
  },
});

export const rolloutCommand: Command = {
  name: "rollout",
  short: "Manage the rollout of a resource",
  flags: [],
  sub: [status, history, undo, restart, pauseResume("pause"), pauseResume("resume")],
};
