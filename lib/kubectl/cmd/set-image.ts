import { strategicMerge } from "../../cluster/patch";
import { asArr, asObj, fail, kindPrefix, type Obj, str } from "../client";
import { dryRunFlag, dryRunOf, dryRunQuery, printOutcome } from "./dryrun";
import { noResources, patch, resolveTargets } from "./mutate";
import { type Command, reportObjectError } from "./types";

function podSpecOf(kind: string, o: Obj): Obj {
  const spec = asObj(o.spec);
  return kind === "Pod" ? spec : asObj(asObj(spec.template).spec);
}

const setImage: Command = {
  name: "image",
  args: "resource",
  short: "Update the image of a pod template",
  flags: [
    { name: "all", kind: "bool", def: "false" },
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "local", kind: "bool", def: "false" },
    { name: "filename", short: "f", kind: "strings", def: "" },
    dryRunFlag,
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "template", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    const dryRun = dryRunOf(ctx, f);
    const resources = f.args.filter((a) => !a.includes("="));
    const pairs = f.args.filter((a) => a.includes("="));
    if (pairs.length === 0)
      throw fail("at least one image update is required\nSee 'kubectl set image -h' for help and examples");
    if (resources.length === 0) throw noResources();
    const images = new Map<string, string>();
    for (const p of pairs) {
      const i = p.indexOf("=");
      images.set(p.slice(0, i), p.slice(i + 1));
    }
    const { targets, failed } = resolveTargets(ctx, resources, {
      selector: f.str("selector"),
      all: f.bool("all"),
    });
    let exit = failed ? 1 : 0;
    for (const t of targets) {
      const podSpec = podSpecOf(t.info.kind, t.obj);
      const containers = asArr(podSpec.containers).map(asObj);
      const init = asArr(podSpec.initContainers).map(asObj);
      const changes: Obj[] = [];
      const initChanges: Obj[] = [];
      let matched = false;
      for (const [name, image] of images) {
        for (const [list, out] of [
          [containers, changes],
          [init, initChanges],
        ] as const) {
          for (const c of list) {
            if (name === "*" || str(c.name) === name) {
              matched = true;
              if (str(c.image) !== image) out.push({ name: str(c.name), image });
            }
          }
        }
        if (!matched) {
          ctx.err(`error: unable to find container named "${name}"\n`);
          exit = 1;
        }
      }
      if (!matched) continue;
      if (changes.length === 0 && initChanges.length === 0) continue;
      const specPatch: Obj = {};
      if (changes.length > 0) specPatch.containers = changes;
      if (initChanges.length > 0) specPatch.initContainers = initChanges;
      const body = t.info.kind === "Pod" ? { spec: specPatch } : { spec: { template: { spec: specPatch } } };
      let obj = t.obj;
      try {
        obj =
          dryRun === "client"
            ? (strategicMerge(t.obj, body) as Obj)
            : patch(ctx, t, body, "strategic", undefined, dryRunQuery(dryRun));
      } catch (e) {
        if (reportObjectError(ctx, e)) exit = 1;
        continue;
      }
      printOutcome(ctx, f, {
        obj,
        prefix: kindPrefix(t.info),
        name: t.name,
        operation: "image updated",
        dryRun,
      });
    }
    return exit;
  },
};

export const setCommand: Command = {
  name: "set",
  short: "Set specific features on objects",
  flags: [],
  sub: [setImage],
};
