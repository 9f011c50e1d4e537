/**
 * Wires a workstation to a simulated cluster: `kubectl exec` into a container gets that
 * container's facts (env, filesystem, working directory) from lib/cluster.
 */
import { type Cluster, containerInfo } from "../cluster";
import type { ContainerFacts, ContainerResolver } from "../shell/container";
import { DEBIAN_ROOT } from "../shell/container";

/** Entries of `/` that are files rather than directories. */
const ROOT_FILES = new Set(["server.js", "core"]);

export function containerResolver(cluster: Cluster): ContainerResolver {
  return (target) => {
    const info = containerInfo(cluster, target.namespace, target.pod, target.container);
    if (typeof info === "string") return info;
    const files: Record<string, string> = { ...info.files };
    if (info.rootListing.includes("core") && files["/core"] === undefined) files["/core"] = "";
    const dirs = [
      ...info.rootListing.filter((n) => !ROOT_FILES.has(n)).map((n) => `/${n}`),
      ...DEBIAN_ROOT.filter((d) => d.split("/").length > 2),
    ];
    const facts: ContainerFacts = {
      namespace: info.namespace,
      pod: info.pod,
      container: info.container,
      hostname: info.hostname,
      env: info.env,
      files,
      dirs,
      workingDir: info.workingDir,
      user: info.user,
    };
    return facts;
  };
}
