/**
 * Session cookie lifetimes, shared by next-auth (lib/auth.ts), the request proxy (proxy.ts) and
 * the socket layer. A cookie lives SESSION_MAX_AGE_S and is re-issued once it is older than
 * SESSION_UPDATE_AGE_S while the user keeps using the site, so only an idle session runs out.
 * This module imports nothing heavy: the proxy bundles it.
 */
export const SESSION_MAX_AGE_S = 8 * 3600;
export const SESSION_UPDATE_AGE_S = 10 * 60;

/** next-auth v4's cookie name (the `__Secure-` prefix when the site is served over https). */
export function sessionCookieName(secure: boolean): string {
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}
