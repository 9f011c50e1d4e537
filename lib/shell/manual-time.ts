/**
 * Deterministic time for tests and the headless simulator: a Scheduler whose timers fire only
 * when the owner advances the ManualClock. Nothing here touches real timers.
 */
import { ManualClock } from "../cluster/types";
import type { Scheduler } from "./types";

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class ManualScheduler implements Scheduler {
  private timers: Timer[] = [];
  private seq = 0;

  constructor(readonly clock: ManualClock = new ManualClock(Date.UTC(2026, 10, 30, 3, 0, 0))) {}

  setTimeout(fn: () => void, ms: number): unknown {
    const t: Timer = { id: ++this.seq, at: this.clock.now() + Math.max(0, ms), fn };
    this.timers.push(t);
    return t.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  pending(): number {
    return this.timers.length;
  }

  /** Time of the next due timer, if any. */
  nextAt(): number | undefined {
    return this.timers.reduce<number | undefined>(
      (m, t) => (m === undefined || t.at < m ? t.at : m),
      undefined,
    );
  }

  /** The same as nextAt (the headless simulator's name for it). */
  nextDue(): number | undefined {
    return this.nextAt();
  }

  /** Fires the timers due at the clock's current time, earliest first, without moving the clock. */
  fireDue(): void {
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= this.clock.now())
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) return;
      this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
  }

  /** Moves the clock forward by `ms`, firing due timers in order and letting promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      if (due.at > this.clock.now()) this.clock.set(due.at);
      due.fn();
    }
    this.clock.set(end);
    await settle();
  }
}

/** Lets pending promise chains run (microtasks only). */
export async function settle(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
