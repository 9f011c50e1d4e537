/** The registry of kubectl verbs. */
import { describeCommand } from "./cmd/describe";
import { execCommand } from "./cmd/exec";
import { getCommand } from "./cmd/get";
import { logsCommand } from "./cmd/logs";
import type { Command } from "./cmd/types";
import { versionCommand } from "./cmd/version";

export const commands: Command[] = [getCommand, describeCommand, logsCommand, execCommand, versionCommand];
