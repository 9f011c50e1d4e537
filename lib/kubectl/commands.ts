/** The registry of kubectl verbs (one file per verb under cmd/). */
import { annotateCommand } from "./cmd/annotate";
import { apiResourcesCommand, apiVersionsCommand } from "./cmd/api-resources";
import { clusterInfoCommand } from "./cmd/cluster-info";
import { configCommand } from "./cmd/config";
import { createCommand } from "./cmd/create";
import { deleteCommand } from "./cmd/delete";
import { describeCommand } from "./cmd/describe";
import { execCommand } from "./cmd/exec";
import { explainCommand } from "./cmd/explain";
import { exposeCommand } from "./cmd/expose";
import { getCommand } from "./cmd/get";
import { labelCommand } from "./cmd/label";
import { logsCommand } from "./cmd/logs";
import { proxyCommand } from "./cmd/proxy";
import { rolloutCommand } from "./cmd/rollout";
import { scaleCommand } from "./cmd/scale";
import { setCommand } from "./cmd/set-image";
import type { Command } from "./cmd/types";
import { versionCommand } from "./cmd/version";

export const commands: Command[] = [
  createCommand,
  exposeCommand,
  getCommand,
  setCommand,
  explainCommand,
  deleteCommand,
  rolloutCommand,
  scaleCommand,
  clusterInfoCommand,
  describeCommand,
  logsCommand,
  execCommand,
  proxyCommand,
  labelCommand,
  annotateCommand,
  apiResourcesCommand,
  apiVersionsCommand,
  configCommand,
  versionCommand,
];
