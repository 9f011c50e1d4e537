import { cookies } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { currentUser } from "../lib/auth";

export const LOCALES = ["ja", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_COOKIE = "kubeclass-locale";

export function toLocale(v: string | undefined | null): Locale {
  return v === "en" ? "en" : "ja";
}

export default getRequestConfig(async () => {
  // The cookie holds the latest explicit choice; a new browser falls back to the user's own.
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = toLocale(chosen ?? (await currentUser())?.locale);
  const messages = (await import(`../messages/${locale}.json`)).default;
  return { locale, messages, timeZone: "Asia/Tokyo" };
});
