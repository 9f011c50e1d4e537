/**
 * Turns of the event loop for students' long lines (Shell.pace yields after each slice of a
 * line's work). A yielding line waits in its student's queue; each turn resumes the first
 * waiting slice of every student, in the order they began waiting, so one student's loop gets
 * one slice per turn however many lines or tabs it runs. A turn starts two event-loop iterations
 * after the yield (HOPS setImmediate hops): what arrived while the slice ran — another student's
 * keystrokes, read in the next poll phase, and the output flush their line schedules with
 * setImmediate — runs before the next slice, instead of waiting behind it as it did when the
 * slice resumed on a plain setImmediate (queued before that flush).
 */
export interface Slices {
  /** The `yieldNow` of one student's scheduler. */
  yielder(): () => Promise<void>;
}

/** Check phases a yielded slice waits: the one it may have yielded in, then a whole iteration. */
const HOPS = 3;

export function createSlices(): Slices {
  const waiting = new Map<object, Array<() => void>>();
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

  return {
    yielder() {
      const owner = {};
      return () =>
        new Promise<void>((resolve) => {
          const queue = waiting.get(owner);
          if (queue) queue.push(resolve);
          else waiting.set(owner, [resolve]);
          arm();
        });
    },
  };
}

/** The server's turns, shared by every student's session. */
export const slices = createSlices();
