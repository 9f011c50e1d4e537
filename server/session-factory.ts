/**
 * A student's session: one simulated cluster, the workstation shell state shared by all tabs,
 * and a terminal per open tab. Wires the pure core together with real time and timers.
 */

import { performance } from "node:perf_hooks";
import type { Pace } from "../lib/classroom/lesson-progress";
import { Cluster } from "../lib/cluster";
import { applyFault, type Fault, type FaultResult } from "../lib/cluster/faults";
import type { ApiHandler, Clock } from "../lib/cluster/types";
import { waitingReasons } from "../lib/course/stuck";
import type { Workstation, WorkstationSnapshot } from "../lib/shell";
import { SLICE_MS } from "../lib/shell/interp";
import type { JournalEntry, Scheduler } from "../lib/shell/types";
import { clusterWorkstation, kubectlCompleter, TerminalDriver } from "../lib/terminal";
import { createKubeFace, type KubeFace } from "./kube-api";
import { type Locale, langFor } from "./locale";
import "./openapi";
import { packWorkstation, type SavedScreens, TabScreens, unpackScreens } from "./screens";
import { slices } from "./slices";

const realClock: Clock = { now: () => Date.now() };
/**
 * A student's timers; a long line pauses between slices of its work so other students' events
 * run (Shell.pace), taking turns with other students' lines (server/slices.ts).
 */
function realScheduler(): Scheduler {
  return {
    setTimeout: (fn, ms) => {
      const t = setTimeout(fn, ms);
      t.unref?.();
      return t;
    },
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    yieldNow: slices.yielder(),
  };
}

export interface SessionSnapshot {
  scenario: string;
  cluster: string;
  workstation: string;
}

export interface StudentSession {
  onOutput: (tabId: string, data: string) => void;
  onJournal: (entry: JournalEntry) => void;
  readonly api: ApiHandler;
  /** Whether the cluster has or had a pod of this name (the step checks' `<pod>`). */
  podExisted?(namespace: string, name: string): boolean;
  /** The start state this cluster was created from (it has moved on since). */
  readonly scenario: string;
  tabIds(): string[];
  /**
   * Opens the tab's terminal, or — when it is already open (a reload, a second browser) —
   * resolves to its screen (server/screens.ts) so the new view can be filled in.
   */
  openTab(tabId: string, cols: number, rows: number): Promise<string> | null;
  input(tabId: string, data: string): void;
  resize(tabId: string, cols: number, rows: number): void;
  closeTab(tabId: string): void;
  /** The page's language: LANG in every tab's shell (`help` answers in it). */
  setLanguage(locale: Locale): void;
  /** What each open tab shows lately (for a teacher who starts watching). */
  screens(): Array<{ tabId: string; screen: string }>;
  snapshot(): SessionSnapshot;
  /**
   * A number that changes whenever the cluster's objects change (its resourceVersion, after
   * bringing the cluster up to now): state checks asked twice at one version answer alike.
   */
  stateVersion(): number;
  /**
   * Why the cluster's pod containers wait (ErrImagePull, …; lib/course/stuck.ts), as the pod list
   * says it. Asked after every line by the stuck rules; read again only when `stateVersion()`
   * moved, since a waiting reason is part of the objects (as the step checks' state cache).
   */
  waitingReasons(): readonly string[];
  /**
   * A pace for a long piece of the student's work outside a line (a check over a long line's
   * commands; LessonProgress.prepare): after SLICE_MS of work it waits for the student's turn,
   * and the work is charged to the student's CPU limit as a line's slices are (server/slices.ts).
   * `alive()` false stops the work (its result is no longer wanted).
   */
  pacer(alive: () => boolean): Pace;
  /** A teacher's fault, applied to this cluster (lib/cluster/faults.ts). */
  applyFault(fault: Fault): FaultResult;
  /**
   * The cluster's Kubernetes API over HTTP, for the student's own kubectl (server/kube-api);
   * made on first use, its streams end when the session is disposed.
   */
  kubeFace(): KubeFace;
  dispose(): void;
}

class LiveSession implements StudentSession {
  onOutput: (tabId: string, data: string) => void = () => {};
  onJournal: (entry: JournalEntry) => void = () => {};
  /** The tabs' terminals: the one driver lesson replay and `npm run sim` use as well. */
  private readonly terminals: TerminalDriver;
  /** What each tab shows, replayed to a browser that (re)attaches. */
  private readonly tabScreens: TabScreens;
  private readonly station: Workstation;
  private lang: string | undefined;
  /** The student's timers and turns (one CPU limit for the terminal and the exec shells). */
  private readonly scheduler: Scheduler;
  /** The pods' waiting reasons at a state version (see waitingReasons). */
  private waiting: { version: number; reasons: readonly string[] } | undefined;

  constructor(
    readonly scenario: string,
    private readonly cluster: Cluster,
    prompt: Prompt,
    stationState?: WorkstationSnapshot,
    savedScreens?: SavedScreens,
  ) {
    this.tabScreens = new TabScreens(savedScreens);
    const scheduler = realScheduler();
    this.scheduler = scheduler;
    this.station = clusterWorkstation(cluster, {
      clock: realClock,
      scheduler,
      user: prompt.user,
      host: prompt.host,
    });
    if (stationState) this.station.fromJSON(stationState);
    this.terminals = new TerminalDriver({
      openShell: (tabId) => {
        const shell = this.station.shell(tabId) ?? this.station.openShell(tabId);
        if (this.lang !== undefined) shell.setEnv("LANG", this.lang);
        return shell;
      },
      closeShell: (tabId) => this.station.closeShell(tabId),
      clock: realClock,
      scheduler,
      tty: true,
      complete: kubectlCompleter(this.api),
      onOutput: (tabId, data) => {
        this.tabScreens.write(tabId, data);
        this.onOutput(tabId, data);
      },
      onJournal: (entry) => this.onJournal(entry),
    });
  }

  get api(): ApiHandler {
    return (req) => this.cluster.handle(req);
  }

  podExisted(namespace: string, name: string): boolean {
    return this.cluster.podExisted(namespace, name);
  }

  tabIds(): string[] {
    return [...new Set([...this.terminals.tabIds(), ...this.station.tabIds()])].sort();
  }

  openTab(tabId: string, cols: number, rows: number): Promise<string> | null {
    const existing = this.terminals.terminal(tabId);
    if (existing) {
      existing.resize(cols, rows);
      this.tabScreens.resize(tabId, cols, rows);
      return this.tabScreens.replay(tabId);
    }
    // After a restart: the tab as it was, before the new prompt.
    const restored = this.tabScreens.open(tabId, cols, rows);
    if (restored !== null) this.onOutput(tabId, restored);
    this.terminals.open(tabId, { columns: cols, rows });
    return null;
  }

  input(tabId: string, data: string): void {
    this.terminals.input(tabId, data);
  }

  resize(tabId: string, cols: number, rows: number): void {
    this.terminals.resize(tabId, cols, rows);
    this.tabScreens.resize(tabId, cols, rows);
  }

  closeTab(tabId: string): void {
    this.terminals.close(tabId);
    this.tabScreens.close(tabId);
  }

  setLanguage(locale: Locale): void {
    this.lang = langFor(locale);
    for (const id of this.station.tabIds()) this.station.shell(id)?.setEnv("LANG", this.lang);
  }

  screens(): Array<{ tabId: string; screen: string }> {
    return this.terminals
      .tabIds()
      .sort()
      .map((tabId) => ({ tabId, screen: this.tabScreens.now(tabId) }));
  }

  applyFault(fault: Fault): FaultResult {
    return applyFault(this.cluster, fault);
  }

  pacer(alive: () => boolean): Pace {
    const yieldNow = this.scheduler.yieldNow;
    let start = performance.now();
    return () => {
      if (!alive()) return false;
      const worked = performance.now() - start;
      if (yieldNow === undefined || worked < SLICE_MS) return true;
      return yieldNow(worked).then(() => {
        start = performance.now();
        return alive();
      });
    };
  }

  private kube: KubeFace | undefined;

  kubeFace(): KubeFace {
    const yieldNow = this.scheduler.yieldNow;
    this.kube ??= createKubeFace(this.cluster, {
      clock: realClock,
      ...(yieldNow ? { slices: { yielder: () => yieldNow } } : {}),
    });
    return this.kube;
  }

  stateVersion(): number {
    this.cluster.tick();
    return this.cluster.internals.store.rv;
  }

  waitingReasons(): readonly string[] {
    const version = this.stateVersion();
    if (this.waiting?.version === version) return this.waiting.reasons;
    // The stored pods are what `GET /api/v1/pods` lists (the API serialises them as they are):
    // read in place, not serialised and parsed again after every line that changed the cluster
    // (with 500 pods, megabytes of JSON a line; issue 12).
    const items = this.cluster.internals.store.scan("pods");
    this.waiting = { version, reasons: waitingReasons({ items }) };
    return this.waiting.reasons;
  }

  snapshot(): SessionSnapshot {
    return {
      scenario: this.scenario,
      cluster: this.cluster.snapshot(),
      workstation: packWorkstation(
        this.station.toJSON(),
        this.tabScreens.toJSON((tabId) => ({
          jobs: this.station.shell(tabId)?.runningJobs() ?? [],
          busy: this.terminals.terminal(tabId)?.busy ?? false,
        })),
      ),
    };
  }

  dispose(): void {
    this.kube?.close();
    this.terminals.dispose();
    this.tabScreens.dispose();
    this.station.dispose();
  }
}

export interface Prompt {
  user: string;
  host: string;
}

export function createSession(opts: { scenario: string; seed: number; prompt: Prompt }): StudentSession {
  const cluster = Cluster.create({ scenario: opts.scenario, seed: opts.seed, clock: realClock });
  return new LiveSession(opts.scenario, cluster, opts.prompt);
}

export function restoreSession(row: SessionSnapshot, prompt: Prompt): StudentSession {
  const cluster = Cluster.restore(row.cluster, realClock);
  let station: WorkstationSnapshot | undefined;
  try {
    station = JSON.parse(row.workstation) as WorkstationSnapshot;
  } catch {
    station = undefined;
  }
  return new LiveSession(row.scenario, cluster, prompt, station, unpackScreens(station));
}
