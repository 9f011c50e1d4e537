/**
 * Work over many items (every student of the server, every chunk of a tick) that must not hold
 * the event loop: at most `sliceMs` per turn, then the rest after the I/O and timers waiting
 * (docs/adr/0035-long-blocks-sliced.md). Items added to a Map or Set while it waits are visited;
 * removed ones are not.
 */
/**
 * How long a slice may run after waiting `waitedMs` for its turn: `sliceMs`, or a quarter of the
 * wait when the loop is saturated (turns of hundreds of ms, each handling hundreds of lines),
 * but never more than `MAX_SLICE_MS`. A fixed slice would then get a sliver of each long turn and
 * fall behind without bound (step ticks seconds late while their rows sat committed); this way
 * the sliced work keeps up to a fifth of a slow loop, never holds it for long while it is quick,
 * and never adds a block of its own past the 20 ms the lines' tail is measured against (a long
 * wait can be another process holding the core, not work of ours).
 */
export function sliceBudget(sliceMs: number, waitedMs: number): number {
  return Math.max(sliceMs, Math.min(waitedMs / 4, MAX_SLICE_MS));
}

const MAX_SLICE_MS = 20;

/** Waits for the next turn of the event loop; resolves with how long that took (ms). */
export function nextTurn(): Promise<number> {
  const from = performance.now();
  return new Promise((r) => setImmediate(() => r(performance.now() - from)));
}

export async function eachSliced<T>(items: Iterable<T>, fn: (item: T) => void, sliceMs = 2): Promise<void> {
  let until = performance.now() + sliceMs;
  for (const item of items) {
    if (performance.now() >= until) {
      const waited = await nextTurn();
      until = performance.now() + sliceBudget(sliceMs, waited);
    }
    fn(item);
  }
}
