/**
 * Background jobs (`kubectl proxy &`). The table lives on the workstation so closing a tab can
 * stop its jobs, but each tab sees only its own jobs, like separate bash processes.
 */
import { InterruptSource } from "./interrupt";
import { WORKSTATION_LIMITS } from "./limits";

export type JobState = "running" | "done" | "terminated";

export interface Job {
  id: number;
  pid: number;
  tab: string;
  source: string;
  state: JobState;
  exitCode: number;
  interrupt: InterruptSource;
  done: Promise<number>;
  /** True once bash would have reported its end (`[1]+  Done …`). */
  reported: boolean;
  /** Brought to the foreground by `fg`: its end is not reported. */
  foreground: boolean;
  signal?: "TERM" | "KILL" | "INT";
}

export class JobTable {
  private jobs: Job[] = [];
  private nextPid: number;

  constructor(firstPid = 4242) {
    this.nextPid = firstPid;
  }

  allocatePid(): number {
    const pid = this.nextPid;
    this.nextPid += 1 + (pid % 7);
    return pid;
  }

  /** Starts a job, or returns undefined when the table is full (bash: `fork: Resource temporarily unavailable`). */
  start(tab: string, source: string, body: (interrupt: InterruptSource) => Promise<number>): Job | undefined {
    if (this.jobs.length >= WORKSTATION_LIMITS.jobs) return undefined;
    const used = new Set(this.jobs.filter((j) => j.tab === tab).map((j) => j.id));
    let id = 1;
    while (used.has(id)) id++;
    const interrupt = new InterruptSource();
    const job: Job = {
      id,
      pid: this.allocatePid(),
      tab,
      source,
      state: "running",
      exitCode: 0,
      interrupt,
      done: Promise.resolve(0),
      reported: false,
      foreground: false,
    };
    job.done = body(interrupt).then(
      (code) => this.finish(job, code),
      () => this.finish(job, 1),
    );
    this.jobs.push(job);
    return job;
  }

  private finish(job: Job, code: number): number {
    job.exitCode = job.signal === "TERM" ? 143 : job.signal === "KILL" ? 137 : code;
    job.state = job.signal !== undefined ? "terminated" : "done";
    return job.exitCode;
  }

  /** Jobs of a tab, oldest first (what `jobs` prints). */
  list(tab: string): Job[] {
    return this.jobs.filter((j) => j.tab === tab);
  }

  /** `%+` is the newest job, `%-` the one before. */
  marker(job: Job): string {
    const mine = this.list(job.tab);
    if (mine[mine.length - 1] === job) return "+";
    if (mine[mine.length - 2] === job) return "-";
    return " ";
  }

  find(tab: string, spec: string | undefined): Job | undefined {
    const mine = this.list(tab);
    if (spec === undefined || spec === "%" || spec === "%%" || spec === "%+") return mine[mine.length - 1];
    if (spec === "%-") return mine[mine.length - 2];
    if (/^%\d+$/.test(spec)) return mine.find((j) => j.id === Number(spec.slice(1)));
    if (/^\d+$/.test(spec)) return mine.find((j) => j.pid === Number(spec));
    if (spec.startsWith("%")) return mine.find((j) => j.source.startsWith(spec.slice(1)));
    return undefined;
  }

  findPid(pid: number): Job | undefined {
    return this.jobs.find((j) => j.pid === pid);
  }

  /** Finished jobs not yet reported are reported once and then forgotten (bash's reaping). */
  reap(tab: string): string[] {
    const lines: string[] = [];
    for (const job of this.list(tab)) {
      if (job.state === "running") continue;
      if (!job.reported && !job.foreground) lines.push(formatJob(job, this.marker(job), false));
      job.reported = true;
    }
    this.jobs = this.jobs.filter((j) => !(j.tab === tab && j.state !== "running"));
    return lines;
  }

  signal(job: Job, signal: "TERM" | "KILL" | "INT"): void {
    if (job.state !== "running") return;
    if (signal !== "INT") job.signal = signal;
    job.interrupt.fire(signal === "INT" ? "user" : "kill");
  }

  /** Stops every job of a tab (the tab was closed). */
  stopTab(tab: string): void {
    for (const job of this.list(tab)) this.signal(job, "KILL");
  }

  /** Stops a tab's jobs and forgets them (the tab or container shell is gone; nobody will reap them). */
  forgetTab(tab: string): void {
    this.stopTab(tab);
    this.jobs = this.jobs.filter((j) => j.tab !== tab);
  }

  stopAll(): void {
    for (const job of this.jobs) this.signal(job, "KILL");
  }
}

export function jobStatusText(job: Job): string {
  if (job.state === "running") return "Running";
  if (job.state === "terminated") return job.signal === "KILL" ? "Killed" : "Terminated";
  return job.exitCode === 0 ? "Done" : `Exit ${job.exitCode}`;
}

/** bash's `[1]+  Running                 kubectl proxy &` layout. */
export function formatJob(job: Job, marker: string, forJobsBuiltin: boolean): string {
  const status = jobStatusText(job);
  const cmd = job.state === "running" && forJobsBuiltin ? `${job.source} &` : job.source;
  return `[${job.id}]${marker}  ${status.padEnd(24)}${cmd}`;
}
