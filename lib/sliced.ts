/**
 * Work over many items (every student of the server, every chunk of a tick) that must not hold
 * the event loop: at most `sliceMs` per turn, then the rest after the I/O and timers waiting
 * (docs/adr/0035-long-blocks-sliced.md). Items added to a Map or Set while it waits are visited;
 * removed ones are not.
 */
export async function eachSliced<T>(items: Iterable<T>, fn: (item: T) => void, sliceMs = 2): Promise<void> {
  let until = performance.now() + sliceMs;
  for (const item of items) {
    if (performance.now() >= until) {
      await new Promise<void>((r) => setImmediate(r));
      until = performance.now() + sliceMs;
    }
    fn(item);
  }
}
