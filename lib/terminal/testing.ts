/**
 * Test kit for the terminal: a tab typed into as a learner types (what it printed, what it
 * journaled), and a workstation on a simulated cluster on a ManualScheduler. Tests of the shell
 * alone use lib/shell/harness.ts; of kubectl alone, lib/kubectl/testing.ts.
 */
import { Cluster } from "../cluster";
import { ManualScheduler, settle } from "../shell/manual-time";
import type { InteractiveShell, JournalEntry } from "../shell/types";
import { createTerminal, type Terminal, type TerminalOptions } from "./terminal";
import { clusterWorkstation } from "./wiring";

/** A workstation on a `scenario` cluster, all on one ManualScheduler's time. */
export function clusterSession(seed: number, scenario = "explore-app") {
  const scheduler = new ManualScheduler();
  const cluster = Cluster.create({ scenario, seed, clock: scheduler.clock });
  const ws = clusterWorkstation(cluster, { clock: scheduler.clock, scheduler });
  return { scheduler, cluster, ws };
}

export interface TypedTab {
  term: Terminal;
  /** Every entry the tab journaled, in order. */
  journal: JournalEntry[];
  /** Everything the tab wrote since it opened (or since `clear`). */
  screen(): string;
  clear(): void;
  /** Feeds keys to the tab and lets what they start run until it waits. */
  type(data: string): Promise<void>;
}

/**
 * A terminal on `shell` whose output and journal are kept (into `journal` when given, e.g. one
 * shared by two tabs); an `onOutput` of the caller's replaces the kept screen (an emulator).
 */
export function typedTab(
  shell: InteractiveShell,
  opts: Omit<TerminalOptions, "shell" | "onJournal" | "onOutput"> & {
    onOutput?: TerminalOptions["onOutput"];
    journal?: JournalEntry[];
  },
): TypedTab {
  let screen = "";
  const { journal = [], ...rest } = opts;
  const term = createTerminal({
    onOutput: (d) => {
      screen += d;
    },
    ...rest,
    shell,
    onJournal: (e) => journal.push(e),
  });
  return {
    term,
    journal,
    screen: () => screen,
    clear: () => {
      screen = "";
    },
    type: async (data) => {
      term.input(data);
      await settle();
    },
  };
}
