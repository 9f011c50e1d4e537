import type { Interrupt } from "./types";

/** An Interrupt that can be fired by code (Ctrl-C, `kill %1`, an exhausted budget). */
export class InterruptSource implements Interrupt {
  private fired = false;
  private resolveFn: () => void = () => {};
  readonly promise: Promise<void>;
  reason: "user" | "kill" | "budget" | undefined;

  constructor(parent?: Interrupt) {
    this.promise = new Promise<void>((r) => {
      this.resolveFn = r;
    });
    if (parent !== undefined) {
      if (parent.interrupted) this.fire("user");
      else void parent.promise.then(() => this.fire("user"));
    }
  }

  get interrupted(): boolean {
    return this.fired;
  }

  fire(reason: "user" | "kill" | "budget"): void {
    if (this.fired) return;
    this.fired = true;
    this.reason = reason;
    this.resolveFn();
  }
}

/** Sleeps on the injected scheduler; resolves early (false) when interrupted. */
export function sleepFor(
  scheduler: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(h: unknown): void },
  ms: number,
  interrupt: Interrupt,
): Promise<boolean> {
  if (interrupt.interrupted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    let done = false;
    const handle = scheduler.setTimeout(() => {
      if (done) return;
      done = true;
      resolve(true);
    }, ms);
    void interrupt.promise.then(() => {
      if (done) return;
      done = true;
      scheduler.clearTimeout(handle);
      resolve(false);
    });
  });
}
