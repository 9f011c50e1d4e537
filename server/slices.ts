/**
 * Turns of the event loop for students' long lines (Shell.pace yields after each slice of a
 * line's work). A yielding line waits in its student's queue; each turn resumes the first
 * waiting slice of every student, in the order they began waiting, so one student's loop gets
 * one slice per turn however many lines or tabs it runs. A turn starts two event-loop iterations
 * after the yield (HOPS setImmediate hops): what arrived while the slice ran — another student's
 * keystrokes, read in the next poll phase, and the output flush their line schedules with
 * setImmediate — runs before the next slice, instead of waiting behind it as it did when the
 * slice resumed on a plain setImmediate (queued before that flush).
 *
 * Turns decide the order, not how much of the thread a student's long work takes: a loop of
 * `kubectl create` alone on a worker had it 100 % busy, and every other student's line then
 * waited for the slice in progress, the garbage it made and the CPU the thread left the rest of
 * the process. So each student also has a CPU limit, as a container has one (CFS bandwidth
 * control): `burstMs` of work at full speed, then `share` of the thread sustained. A slice that
 * overdraws the student's credit is followed by a pause (a timer) until the credit is back to
 * zero — the thread is free meanwhile. Short lines never yield, so they are never charged
 * (docs/adr/0039-a-cpu-limit-per-student.md).
 */
export interface Slices {
  /** The `yieldNow` of one student's scheduler: called with the ms of work of the slice that ends. */
  yielder(): (workedMs?: number) => Promise<void>;
}

/** A student's CPU limit for long work (like a container's `resources.limits.cpu`). */
export interface CpuLimit {
  /** Share of the thread a student's long work may use, sustained (0.25: "250m"). */
  share: number;
  /** Work (ms) a student may do at full speed before the share applies; refilled at `share`. */
  burstMs: number;
}

/**
 * A quarter of the thread, after a quarter of a second at full speed: a lesson's line (a few ms)
 * and a short loop never meet it; a line that spends its whole work budget runs 4× longer in
 * wall time and leaves the thread idle three quarters of the time for the class.
 */
export const STUDENT_CPU: CpuLimit = { share: 0.25, burstMs: 250 };

/** Check phases a yielded slice waits: the one it may have yielded in, then a whole iteration. */
const HOPS = 3;

interface Owner {
  /** Work the student may still do at full speed (ms); below 0 it sits out. */
  credit: number;
  /** When `credit` was last brought up to date. */
  at: number;
}

export function createSlices(limit: CpuLimit | null = STUDENT_CPU, now = () => performance.now()): Slices {
  const waiting = new Map<Owner, Array<() => void>>();
  let armed = false;

  function turn(): void {
    armed = false;
    const heads: Array<() => void> = [];
    for (const [owner, queue] of waiting) {
      const resume = queue.shift();
      if (resume) heads.push(resume);
      if (queue.length === 0) waiting.delete(owner);
    }
    for (const resume of heads) resume();
    if (waiting.size > 0) arm();
  }

  function arm(): void {
    if (armed) return;
    armed = true;
    hop(HOPS);
  }

  function hop(n: number): void {
    setImmediate(n <= 1 ? turn : () => hop(n - 1));
  }

  function enqueue(owner: Owner, resume: () => void): void {
    const queue = waiting.get(owner);
    if (queue) queue.push(resume);
    else waiting.set(owner, [resume]);
    arm();
  }

  return {
    yielder() {
      const owner: Owner = { credit: limit?.burstMs ?? 0, at: now() };
      return (workedMs = 0) =>
        new Promise<void>((resolve) => {
          if (limit === null) return enqueue(owner, resolve);
          const t = now();
          owner.credit = Math.min(limit.burstMs, owner.credit + (t - owner.at) * limit.share) - workedMs;
          owner.at = t;
          if (owner.credit >= 0) return enqueue(owner, resolve);
          // Over its limit: the line waits out its overdraft with the thread free, then takes turns again.
          setTimeout(() => enqueue(owner, resolve), Math.ceil(-owner.credit / limit.share));
        });
    },
  };
}

/** The server's turns, shared by every student's session. */
export const slices = createSlices();
