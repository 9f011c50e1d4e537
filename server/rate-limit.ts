/**
 * Keystroke rate limits: a token bucket per socket and one per user (all of a student's
 * sockets together), each counting messages and characters. A student who floods `term:input`
 * (a script, a held key, pasting megabytes) is refused with a message in the terminal instead of
 * taking the event loop from the class. A person typing or pasting a few screens never meets it.
 */
import { type ServerOptions, WebSocketServer } from "ws";
import { type BucketSpec, TokenBucket } from "../lib/token-bucket";

export { type BucketSpec, TokenBucket };

export interface InputLimits {
  socketMessages: BucketSpec;
  socketChars: BucketSpec;
  userMessages: BucketSpec;
  userChars: BucketSpec;
}

/**
 * xterm.js sends one message per key (auto-repeat ≈ 30/s) and a paste as one message ≤ 4096.
 * A key costs O(change) in the line editor, so the bounds only stop floods: well above the
 * fastest typist and a driven browser (≈ 150 keys/s), far below what would load the server.
 */
export const DEFAULT_INPUT_LIMITS: InputLimits = {
  socketMessages: { burst: 400, perSecond: 200 },
  socketChars: { burst: 16_384, perSecond: 2_048 },
  userMessages: { burst: 800, perSecond: 400 },
  userChars: { burst: 32_768, perSecond: 4_096 },
};

/**
 * Events of any kind on one socket: far above the input limits (a key is one event) and the
 * page's own traffic, so only a flood reaches it — and then the socket is ended.
 */
export const EVENT_FLOOD: BucketSpec = { burst: 2_000, perSecond: 1_000 };
export const FLOOD_ENDED = "Too many messages from this page; it was disconnected. Reload to continue.";

/**
 * socket.io's WebSocket server, handing over one message per socket per turn of the event loop.
 * By default ws emits every complete frame of a read synchronously, and libuv reads a busy
 * socket up to 32 times (64 KiB each) in one poll phase: a client that writes keys faster than
 * the server reads them (a script, 128 KB typed key by key) had thousands of frames decoded,
 * checked and refused in one turn — a 0.4–0.9 s block for everyone while the per-key cost was
 * ~17 µs. With `allowSynchronousEvents: false` ws defers each message to its own setImmediate
 * and stops reading the socket meanwhile (its receiver is a Writable; the TCP socket is paused),
 * so the flooding client waits on its own TCP window while other students' events run.
 * engine.io does not pass that option through, hence the subclass (`wsEngine`).
 */
export class OneMessagePerTurn extends WebSocketServer {
  constructor(options?: ServerOptions, callback?: () => void) {
    super({ ...options, allowSynchronousEvents: false }, callback);
  }
}

/** Unread frames on one WebSocket past which its client is flooding (see `flooding`). */
export const FLOOD_BACKLOG_BYTES = 32 * 1024;

/**
 * Whether a socket's client sends faster than its messages are handled: its WebSocket has more
 * than FLOOD_BACKLOG_BYTES of frames received and not yet handed over, and ws has paused the TCP
 * socket for it. With one message per turn the handled rate no longer says it (EVENT_FLOOD
 * counts handled events, and a flood is now served at the server's pace); the backlog does. A
 * person's keys (one frame each, a paste ≤ 24 KiB as JSON) never queue up that far. Reads ws's
 * receiver (a Writable); long polling's queue is counted the same way (oneMessagePerTurnPolling).
 */
export function flooding(socket: { conn?: unknown }): boolean {
  const transport = (socket.conn as { transport?: { socket?: unknown } } | undefined)?.transport;
  if (transport !== undefined && (pollBacklog.get(transport) ?? 0) > FLOOD_BACKLOG_BYTES) return true;
  const ws = transport?.socket as
    | { _receiver?: { writableLength?: number }; _socket?: { isPaused?(): boolean } }
    | undefined;
  const backlog = ws?._receiver?.writableLength ?? 0;
  return backlog > FLOOD_BACKLOG_BYTES && ws?._socket?.isPaused?.() === true;
}

/** Bytes of a long-polling transport's POSTs not yet decoded and handed over (oneMessagePerTurnPolling). */
const pollBacklog = new WeakMap<object, number>();

/** engine.io v4's record separator between the packets of one long-polling POST. */
const SEPARATOR = "\x1e";

/** A packet as engine.io's parser decodes it. */
interface EnginePacket {
  type: string;
  data?: unknown;
}

/** What engine.io's polling transport is to us: POST bodies come in through `onData`, packets go out through `onPacket`. */
interface PollingTransport {
  name: string;
  protocol: number;
  parser: { decodePacket(encoded: string): EnginePacket };
  onData(data: string | Buffer): void;
  onPacket(packet: EnginePacket): void;
  onClose(): void;
  discard(): void;
}

/**
 * socket.io's long-polling transport, bounded like the WebSocket one (OneMessagePerTurn): one
 * POST (≤ maxHttpBufferSize, 256 KiB) may carry thousands of packets, and engine.io splits and
 * decodes the whole body and hands every packet over synchronously — up to EVENT_FLOOD's 2,000
 * events handled in one turn before the socket was ended. Here the body is kept as it came and
 * each turn (setImmediate) cuts, decodes and hands over its next packet only, so a POST costs
 * its sender one packet per turn like a WebSocket frame; the bytes not yet handed over count as
 * the WebSocket's unread frames do: past FLOOD_BACKLOG_BYTES the client is flooding (see
 * `flooding`), and it is ended at its next event. The browser uses WebSocket first and polls
 * only where WebSocket is blocked, so polling stays on, bounded. When the connection upgrades
 * to WebSocket, what is still waiting is handed over first, in order.
 */
export function oneMessagePerTurnPolling(engine: {
  on(
    event: "connection",
    listener: (socket: {
      transport: unknown;
      readyState: string;
      once(e: "close", f: () => void): void;
    }) => void,
  ): void;
}): void {
  engine.on("connection", (socket) => {
    const transport = socket.transport as PollingTransport;
    // EIO=3 clients are refused (socket.io's allowEIO3 is off); their payloads are framed otherwise.
    if (transport.name !== "polling" || transport.protocol !== 4) return;
    const deliver = transport.onPacket.bind(transport);
    const discard = transport.discard.bind(transport);
    const decodeAll = transport.onData.bind(transport);
    /** POST bodies not yet handed over, in order; the first from `at` on. */
    const bodies: string[] = [];
    let at = 0;
    let bytes = 0;
    let scheduled = false;
    /** Cuts, decodes and hands over the next packet; false once nothing is left. */
    const handOver = (): boolean => {
      const body = bodies[0];
      if (body === undefined) return false;
      if (socket.readyState !== "open") {
        // Ended meanwhile (a flood): the rest would be ignored, so it is not decoded either.
        bodies.length = 0;
        bytes = 0;
        pollBacklog.set(transport, 0);
        return false;
      }
      const sep = body.indexOf(SEPARATOR, at);
      const end = sep < 0 ? body.length : sep;
      const packet = transport.parser.decodePacket(body.slice(at, end));
      bytes -= end - at + 1;
      if (sep < 0 || packet.type === "error") {
        // A body that does not parse is dropped from there on, as engine.io's decodePayload stops.
        bytes -= body.length - end;
        bodies.shift();
        at = 0;
      } else at = end + 1;
      pollBacklog.set(transport, bytes);
      if (packet.type === "close") {
        bodies.length = 0;
        bytes = 0;
        pollBacklog.set(transport, 0);
        transport.onClose();
        return false;
      }
      deliver(packet);
      return true;
    };
    const turn = (): void => {
      scheduled = false;
      if (handOver() && bodies.length > 0) {
        scheduled = true;
        setImmediate(turn);
      }
    };
    transport.onData = (data) => {
      if (typeof data !== "string") return decodeAll(data);
      bodies.push(data);
      bytes += data.length + 1;
      pollBacklog.set(transport, bytes);
      if (!scheduled) {
        scheduled = true;
        setImmediate(turn);
      }
    };
    transport.discard = () => {
      while (handOver());
      discard();
    };
    socket.once("close", () => {
      bodies.length = 0;
      pollBacklog.delete(transport);
    });
  });
}

/** Options every socket.io server of ours is made with (the product's and the tests'). */
export const SOCKET_SERVER_OPTIONS = {
  path: "/socket.io",
  // Keystrokes are small; anything near this is refused by socket.io before it reaches us.
  maxHttpBufferSize: 256 * 1024,
  wsEngine: OneMessagePerTurn,
} as const;

const WARN_EVERY_MS = 10_000;

interface Pair {
  messages: TokenBucket;
  chars: TokenBucket;
  /** When a refusal was last shown: at most one message per WARN_EVERY_MS, not one per key. */
  warnedAt: number;
}

export type Verdict = { ok: true } | { ok: false; message?: string };

export class InputRateLimiter {
  private readonly sockets = new WeakMap<object, Pair>();
  private readonly users = new Map<string, Pair>();
  private calls = 0;

  constructor(
    private readonly limits: InputLimits = DEFAULT_INPUT_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  private pair(msg: BucketSpec, chars: BucketSpec, t: number): Pair {
    return { messages: new TokenBucket(msg, t), chars: new TokenBucket(chars, t), warnedAt: -Infinity };
  }

  /**
   * Takes one message of `chars` characters from the socket's and the user's buckets, or
   * refuses it; a refusal carries a message the first time in a row.
   */
  take(socket: object, userId: string, chars: number): Verdict {
    const t = this.now();
    if (++this.calls % 1024 === 0) this.sweep(t);
    let s = this.sockets.get(socket);
    if (s === undefined) {
      s = this.pair(this.limits.socketMessages, this.limits.socketChars, t);
      this.sockets.set(socket, s);
    }
    let u = this.users.get(userId);
    if (u === undefined) {
      u = this.pair(this.limits.userMessages, this.limits.userChars, t);
      this.users.set(userId, u);
    }
    const ok = s.messages.has(1, t) && s.chars.has(chars, t) && u.messages.has(1, t) && u.chars.has(chars, t);
    if (ok) {
      for (const p of [s, u]) {
        p.messages.take(1);
        p.chars.take(chars);
      }
      return { ok: true };
    }
    if (t - Math.max(s.warnedAt, u.warnedAt) < WARN_EVERY_MS) return { ok: false };
    s.warnedAt = t;
    u.warnedAt = t;
    const perSecond = Math.min(this.limits.socketChars.perSecond, this.limits.userChars.perSecond);
    const keys = Math.min(this.limits.socketMessages.perSecond, this.limits.userMessages.perSecond);
    return {
      ok: false,
      message: `kubeclass: input refused: typing too fast (at most ${keys} keys or ${perSecond} characters a second); what you typed from here was dropped, wait a moment`,
    };
  }

  /** Forgets users whose buckets are full again (they have been quiet long enough). */
  private sweep(t: number): void {
    for (const [id, p] of this.users) if (p.messages.full(t) && p.chars.full(t)) this.users.delete(id);
  }

  /** Users currently remembered (tests). */
  get trackedUsers(): number {
    return this.users.size;
  }
}

/** The server's limiter for `term:input`. */
export const inputLimiter = new InputRateLimiter();

/** Lets `data` through for `socket`, or shows the refusal in the tab it was meant for. */
export function allowInput(
  socket: {
    data: { user: { id: string } };
    emit(ev: "term:output", p: { tabId: string; data: string }): unknown;
  },
  tabId: string,
  data: string,
): boolean {
  const v = inputLimiter.take(socket, socket.data.user.id, data.length);
  if (!v.ok && v.message !== undefined)
    socket.emit("term:output", { tabId, data: `\r\n\x1b[31m${v.message}\x1b[0m\r\n` });
  return v.ok;
}
