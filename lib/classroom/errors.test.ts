import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import ja from "../../messages/ja.json";
import { emailSchema } from "./accounts";
import { ClassroomError, describeIssue, localizedMessage } from "./errors";

describe("classroom errors in the reader's language", () => {
  it("says a keyed error in English for logs and in either language for the browser", () => {
    const err = ClassroomError.t("conflict", "emailExists", { email: "a@example.com" });
    expect(err.message).toBe("An account with the e-mail a@example.com already exists.");
    expect(localizedMessage(err, "en")).toBe(err.message);
    expect(localizedMessage(err, "ja")).toBe("メールアドレス a@example.com のアカウントはすでにあります。");
  });

  it("counts rows with the plural rules of each language", () => {
    expect(ClassroomError.t("invalid", "rosterBadRows", { count: 1 }).message).toMatch(/^1 row cannot be/);
    expect(ClassroomError.t("invalid", "rosterBadRows", { count: 3 }).message).toMatch(/^3 rows cannot be/);
    expect(localizedMessage(ClassroomError.t("invalid", "rosterBadRows", { count: 3 }), "ja")).toMatch(
      /^3 行を/,
    );
  });

  it("names the field and says what zod says, or the schema's own keyed words", () => {
    const r = emailSchema.safeParse("not-an-email");
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(describeIssue(issue)).toBe("not an e-mail address");
    expect(describeIssue(issue, "ja")).toBe("メールアドレスの形式ではありません");
    const tooLong = ClassroomError.fromIssue({ ...issue, message: "Too big", path: ["name"] });
    expect(tooLong.message).toBe("name: Too big");
  });

  it("has every error key in both catalogues", () => {
    expect(Object.keys(ja.apiErrors).sort()).toEqual(Object.keys(en.apiErrors).sort());
    expect(Object.keys(ja.apiErrors.fields).sort()).toEqual(Object.keys(en.apiErrors.fields).sort());
  });

  it("leaves an error made without a key as it was written", () => {
    const err = new ClassroomError("invalid", "plain words");
    expect(localizedMessage(err, "ja")).toBe("plain words");
  });
});
