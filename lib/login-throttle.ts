/**
 * Slows down password guessing without handing anyone a way to lock a student out.
 *
 * Failed logins are counted under three keys, each with its own allowance of free attempts and
 * then a wait that doubles with every further failure (capped):
 * - the account from this client (the owner mistyping on their own machine): 5 free, then
 *   1 s, 2 s, 4 s … up to 15 minutes — only this client is slowed;
 * - the client, whatever the account (one machine trying many e-mails): 20 free, then the same
 *   growth up to 1 minute (a lecture hall behind one NAT shares this count, so it stays short);
 * - the account, from any client (guessing spread over many machines): 20 free, then the same
 *   growth but capped at 1 minute, and never applied to a client that has signed in to this
 *   account before — so a stranger's failures cannot keep the owner out of their own account.
 * Counts are forgotten 15 minutes after the last failure; a successful login clears the
 * account's counts but not the client's (else signing in to one's own account between guesses
 * would reset it). In memory, per process, bounded.
 */
/** Request header the custom server sets to the client's address (server/client-address.ts). */
export const CLIENT_ADDRESS_HEADER = "x-kubeclass-client";

export interface Throttled {
  /** How long to wait before the next attempt is looked at. */
  retryAfterMs: number;
}

interface Rule {
  free: number;
  capMs: number;
}

export const RULES = {
  pair: { free: 5, capMs: 15 * 60_000 },
  client: { free: 20, capMs: 60_000 },
  account: { free: 20, capMs: 60_000 },
} satisfies Record<string, Rule>;

const FIRST_DELAY_MS = 1000;
const FORGET_AFTER_MS = 15 * 60_000;
const KNOWN_CLIENT_MS = 30 * 24 * 3600_000;
const MAX_KEYS = 50_000;

interface Count {
  failures: number;
  last: number;
}

/**
 * Keeps memory bounded under a spray of made-up e-mails: past MAX_KEYS the stalest tenth goes
 * (maps iterate in insertion order, and a touched key is re-inserted), in one pass.
 */
function trim(map: Map<string, unknown>): void {
  if (map.size <= MAX_KEYS) return;
  let drop = map.size - Math.floor(MAX_KEYS * 0.9);
  for (const key of map.keys()) {
    if (drop-- <= 0) break;
    map.delete(key);
  }
}

export class LoginThrottle {
  private readonly counts = new Map<string, Count>();
  /** `account|client` pairs that signed in successfully, with when. */
  private readonly known = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  private count(key: string): Count | undefined {
    const c = this.counts.get(key);
    if (c && this.now() - c.last > FORGET_AFTER_MS) {
      this.counts.delete(key);
      return undefined;
    }
    return c;
  }

  private waitFor(key: string, rule: Rule): number {
    const c = this.count(key);
    if (!c || c.failures < rule.free) return 0;
    const delay = Math.min(rule.capMs, FIRST_DELAY_MS * 2 ** Math.min(c.failures - rule.free, 30));
    return Math.max(0, c.last + delay - this.now());
  }

  private keys(account: string, client: string | null): Array<[string, Rule]> {
    // Without a known address (not behind the custom server) only the account can be counted.
    if (client === null) return [[`account:${account}`, RULES.pair]];
    const keys: Array<[string, Rule]> = [
      [`pair:${account}|${client}`, RULES.pair],
      [`client:${client}`, RULES.client],
    ];
    const knownAt = this.known.get(`${account}|${client}`);
    if (knownAt === undefined || this.now() - knownAt > KNOWN_CLIENT_MS)
      keys.push([`account:${account}`, RULES.account]);
    return keys;
  }

  /** null when an attempt may be checked now; else how long this client must wait. */
  check(account: string, client: string | null): Throttled | null {
    const wait = Math.max(...this.keys(account, client).map(([k, rule]) => this.waitFor(k, rule)));
    return wait > 0 ? { retryAfterMs: wait } : null;
  }

  failed(account: string, client: string | null): void {
    for (const [key] of this.keys(account, client)) {
      const c = this.count(key) ?? { failures: 0, last: 0 };
      c.failures += 1;
      c.last = this.now();
      this.counts.delete(key);
      this.counts.set(key, c);
    }
    trim(this.counts);
  }

  succeeded(account: string, client: string | null): void {
    if (client === null) {
      this.counts.delete(`account:${account}`);
      return;
    }
    this.counts.delete(`pair:${account}|${client}`);
    this.counts.delete(`account:${account}`);
    this.known.delete(`${account}|${client}`);
    this.known.set(`${account}|${client}`, this.now());
    trim(this.known);
  }
}
