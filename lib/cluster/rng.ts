/**
 * A small seeded PRNG (mulberry32). Its whole state is one uint32, so a cluster snapshot can
 * carry it and a restored cluster continues the same sequence.
 */
export class Rng {
  /** When set, every identifier-like string drawn (chars/hex/uuid) is reported (scenario templates). */
  onToken?: (token: string, redraw: (rng: Rng) => string) => void;

  constructor(private state: number) {
    this.state = state >>> 0;
  }

  /** Next float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** `n` characters drawn from `alphabet`. */
  chars(alphabet: string, n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    this.onToken?.(s, (r) => r.chars(alphabet, n));
    return s;
  }

  hex(n: number): string {
    return this.chars("0123456789abcdef", n);
  }

  /** A random (version 4) UUID. */
  uuid(): string {
    const hook = this.onToken;
    this.onToken = undefined;
    try {
      const u = this.drawUuid();
      hook?.(u, (r) => r.uuid());
      return u;
    } finally {
      this.onToken = hook;
    }
  }

  private drawUuid(): string {
    const h = this.hex(32).split("");
    h[12] = "4";
    h[16] = "89ab"[this.int(4)] ?? "8";
    const s = h.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  getState(): number {
    return this.state;
  }
}

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits). */
export const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
