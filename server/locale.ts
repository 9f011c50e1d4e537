/**
 * The language a student's pages are shown in, for their terminal (`LANG`, which `help`
 * follows): the locale cookie the browser sends with its socket (the latest explicit choice),
 * else the user's saved locale — the same rule as i18n/request.ts.
 */
import { parse as parseCookie } from "cookie";

// i18n/request.ts's facts; it cannot be imported here (it loads next-auth, which the custom
// server's own module loader cannot). locale.test.ts checks that both agree.
export const LOCALE_COOKIE = "kubeclass-locale";
export type Locale = "ja" | "en";
export function toLocale(v: string | undefined | null): Locale {
  return v === "en" ? "en" : "ja";
}

/** Reads the user's saved locale (the live session asks its pg pool; tests may pass a stub). */
export type SavedLocale = (userId: string) => Promise<string | null | undefined>;

export async function uiLocale(
  savedLocale: SavedLocale,
  userId: string,
  cookieHeader: string | undefined,
): Promise<Locale> {
  const chosen =
    cookieHeader && cookieHeader.length <= 16_384 ? parseCookie(cookieHeader)[LOCALE_COOKIE] : undefined;
  if (chosen !== undefined) return toLocale(chosen);
  return toLocale(await savedLocale(userId));
}

/** `LANG` for a locale. */
export function langFor(locale: Locale): string {
  return locale === "ja" ? "ja_JP.UTF-8" : "en_US.UTF-8";
}
