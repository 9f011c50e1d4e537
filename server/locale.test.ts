import { describe, expect, it } from "vitest";
import * as i18n from "../i18n/request";
import { LOCALE_COOKIE, langFor, toLocale } from "./locale";

describe("the terminal's locale facts", () => {
  it("agree with the pages' (i18n/request.ts)", () => {
    expect(LOCALE_COOKIE).toBe(i18n.LOCALE_COOKIE);
    for (const v of ["ja", "en", "fr", undefined, null, ""]) expect(toLocale(v)).toBe(i18n.toLocale(v));
    expect(i18n.LOCALES.map(langFor)).toEqual(["ja_JP.UTF-8", "en_US.UTF-8"]);
  });
});
