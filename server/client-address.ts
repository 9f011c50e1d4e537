/**
 * The address a request came from, for login throttling. Set by the custom server on every
 * request as CLIENT_ADDRESS_HEADER (overwriting whatever the client sent), so code behind Next
 * can trust it. X-Forwarded-For is believed only for TRUST_PROXY hops: the entry the outermost
 * trusted proxy appended; anything to its left was written by the client and could be forged.
 */
import type { IncomingMessage } from "node:http";

export { CLIENT_ADDRESS_HEADER } from "../lib/login-throttle";

export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const direct = req.socket.remoteAddress ?? "unknown";
  if (trustedProxies <= 0) return direct;
  const header = req.headers["x-forwarded-for"];
  const list = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return list[list.length - trustedProxies] ?? direct;
}
