/** For the tests of sliced work (lib/sliced.ts): turns of the event loop counted, CPU spent. */

/** Counts turns of the event loop (one setImmediate each) until `stop`. */
export function turnCounter(): { readonly turn: number; stop(): void } {
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turn() {
      return turn;
    },
    stop() {
      ticking = false;
    },
  };
}

/** Holds the thread for `ms` (a student's share of some work). */
export function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/**
 * How many items each turn saw, from the turn each was handled in: counted in items, not
 * milliseconds, since a shared machine stretches a turn by preempting it.
 */
export function itemsPerTurn(turns: readonly number[]): number[] {
  const per = new Map<number, number>();
  for (const t of turns) per.set(t, (per.get(t) ?? 0) + 1);
  return [...per.values()];
}
