/** The student's bash-like shell: see docs/adr/0004-shell.md. */
export type { ContainerFacts, ContainerResolver } from "./container";
export { createContainerShell, DEBIAN_ROOT } from "./container";
export { CURL_VERSION, createCurl } from "./curl";
export { resolvePath, VirtualFs } from "./fs";
export { LIMITS, Shell } from "./interp";
export { InterruptSource, sleepFor } from "./interrupt";
export { ManualScheduler, settle } from "./manual-time";
export { clusterNodes, createMinikube, type MinikubeFacts, type NodeCluster } from "./minikube";
export { parseScript, ShellSyntaxError } from "./parse";
export type * from "./types";
export {
  createWorkstation,
  DEFAULT_PATH,
  isLoopback,
  type ShellSession,
  type Workstation,
  type WorkstationOptions,
  type WorkstationSnapshot,
  withLoopback,
} from "./workstation";
