/**
 * Deadlines of many owners behind one timer per process (docs/adr/0034): a workspace's next
 * snapshot, a student's time on a step. Setting or moving a deadline is a map write, not a
 * timer re-armed per line; the one timer is armed for the earliest deadline only while there is
 * one, so an idle server has none. A deadline runs at its time or up to `slackMs` after it,
 * never before: those within `slackMs` of each other run in the same wake-up (a class's
 * deadlines, set within a second, cost one wake-up, not one each).
 */
export class Deadlines<K> {
  private readonly due = new Map<K, { at: number; fn: () => void }>();
  private timer: NodeJS.Timeout | null = null;
  /** When the armed timer fires (meaningful while `timer` is set). */
  private armedAt = 0;

  constructor(
    private readonly slackMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `fn` at `at` (or up to `slackMs` after), instead of what `key` had. */
  set(key: K, at: number, fn: () => void): void {
    this.due.set(key, { at, fn });
    // A later deadline than the armed one needs nothing: the timer finds it when it fires.
    if (!this.timer || at < this.armedAt - this.slackMs) this.arm(at);
  }

  delete(key: K): void {
    this.due.delete(key);
    // The timer stays until it fires (finding nothing, it is not armed again): cheaper than
    // looking for the next deadline on every delete.
  }

  has(key: K): boolean {
    return this.due.has(key);
  }

  /** When `key` is due (undefined: it is not). */
  at(key: K): number | undefined {
    return this.due.get(key)?.at;
  }

  get size(): number {
    return this.due.size;
  }

  /** Whether a wake-up is armed (none while there is no deadline to keep). */
  get armed(): boolean {
    return this.timer !== null;
  }

  /** Forgets every deadline (shutdown). */
  clear(): void {
    this.due.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - this.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    const now = this.now();
    const ready: Array<() => void> = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [key, d] of this.due) {
      if (d.at <= now) {
        this.due.delete(key);
        ready.push(d.fn);
      } else next = Math.min(next, d.at);
    }
    // The next wake-up waits for company: what falls due within the slack runs with it.
    if (next !== Number.POSITIVE_INFINITY) this.arm(Math.max(next, now + this.slackMs));
    for (const fn of ready) {
      try {
        fn();
      } catch (err) {
        console.error("[deadlines]", err);
      }
    }
  }
}

/** What `whileRooms` needs of socket.io's adapter (its room map and room events). */
interface RoomAdapter {
  rooms: Map<string, unknown>;
  on(event: "create-room" | "delete-room", fn: (room: string) => void): unknown;
  off(event: "create-room" | "delete-room", fn: (room: string) => void): unknown;
}

/**
 * Runs `fn` every `everyMs` while the adapter has a room whose name starts with `prefix` (a
 * teacher's board or mirror open), and not at all otherwise: a backstop re-check costs nothing
 * while nobody it would check is there. A run still going when the next is due is not doubled.
 */
export function whileRooms(
  adapter: RoomAdapter,
  prefix: string,
  everyMs: number,
  fn: () => Promise<void>,
): { close(): void } {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let count = 0;
  for (const room of adapter.rooms.keys()) if (room.startsWith(prefix)) count++;
  const tick = () => {
    if (running) return;
    running = true;
    fn()
      .catch((err: unknown) => console.error(`[rooms ${prefix}]`, err))
      .finally(() => {
        running = false;
      });
  };
  const update = () => {
    if (count > 0 && !timer) {
      timer = setInterval(tick, everyMs);
      timer.unref();
    } else if (count === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
  const created = (room: string) => {
    if (!room.startsWith(prefix)) return;
    count++;
    update();
  };
  const deleted = (room: string) => {
    if (!room.startsWith(prefix)) return;
    count = Math.max(0, count - 1);
    update();
  };
  adapter.on("create-room", created);
  adapter.on("delete-room", deleted);
  update();
  return {
    close() {
      adapter.off("create-room", created);
      adapter.off("delete-room", deleted);
      count = 0;
      update();
    },
  };
}
