/**
 * Access and browser hardening in a real Chromium (issue 12): every page is served with a
 * Content-Security-Policy that the page itself (Next.js scripts, xterm.js) does not violate,
 * cannot be framed, and is not sniffed; a signed-out cookie opens nothing; the login form says
 * how long to wait; the locale route refuses a cross-site text/plain body.
 */
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { LessonPage, newStudent, STUDENT1, TEACHER } from "./pages";

/** CSP violations and console errors the page reports from now on. */
async function watchViolations(page: Page): Promise<string[]> {
  const found: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) found.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Refused to load (CSP ${e.violatedDirective}): ${e.blockedURI}`);
    });
  });
  return found;
}

async function expectHardened(page: Page, path: string): Promise<void> {
  const res = await page.goto(path);
  expect(res, path).not.toBeNull();
  const h = res!.headers();
  expect(h["content-security-policy"], path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
  expect(h["x-frame-options"], path).toBe("DENY");
  expect(h["x-content-type-options"], path).toBe("nosniff");
  expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
}

test("every page carries CSP, framing and sniffing headers, and runs without a CSP violation", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const anon = await browser.newContext();
  const anonPage = await anon.newPage();
  const anonViolations = await watchViolations(anonPage);
  await expectHardened(anonPage, "/login");
  await expect(anonPage.locator('input[name="email"]')).toBeVisible();
  await expectHardened(anonPage, "/no-such-page");

  const student = await newStudent(browser, STUDENT1);
  const violations = await watchViolations(student.page);
  await expectHardened(student.page, "/");
  const lesson = new LessonPage(student.page);
  await expectHardened(student.page, "/learn/pods-and-nodes");
  await lesson.open("pods-and-nodes");
  await lesson.runToPrompt("echo csp-check", /csp-check/);

  const teacher = await newStudent(browser, TEACHER);
  const teacherViolations = await watchViolations(teacher.page);
  await expectHardened(teacher.page, "/teach");
  const href = await teacher.page
    .locator('tr[data-student="student1@example.com"] a.student')
    .getAttribute("href");
  await expectHardened(teacher.page, href!);
  await expect(teacher.page.locator('[data-watch-tab="1"] .xterm-rows')).toContainText("csp-check");

  expect([...anonViolations, ...violations, ...teacherViolations]).toEqual([]);
  for (const c of [anon, student.context, teacher.context]) await c.close();
});

test("a page cannot be framed by another site", async ({ page }) => {
  await page.setContent(`<iframe id="f" src="${test.info().project.use.baseURL}/login"></iframe>`);
  const frame = page.frameLocator("#f");
  await expect(frame.locator('input[name="email"]')).toHaveCount(0);
});

test("a cookie copied before sign-out opens nothing afterwards", async ({ browser }) => {
  const { context, page } = await newStudent(browser, STUDENT1);
  const saved = await context.cookies();
  await page.getByRole("button", { name: /Log out|ログアウト/ }).click();
  await page.waitForURL("**/login");
  const thief: BrowserContext = await browser.newContext();
  await thief.addCookies(saved);
  const p = await thief.newPage();
  await p.goto("/");
  await expect(p).toHaveURL(/\/login/);
  await thief.close();
  await context.close();
});

test("the login form checks for an empty form and says how long to wait after repeated failures", async ({
  page,
}) => {
  await page.goto("/login");
  await page.locator('button[type="submit"]').click();
  await expect(page.locator(".error[role=alert]")).toHaveText(
    /メールアドレスを入力|Enter your email address/,
  );
  test.setTimeout(120_000);
  await page.locator('input[name="email"]').fill("nobody-at-all@example.com");
  const alert = page.locator(".error[role=alert]");
  // Five free attempts, then waits that double (1 s, 2 s, 4 s …): a person typing fast meets one soon.
  let said = "";
  for (let i = 0; i < 12 && !/秒|second/.test(said); i++) {
    await page.locator('input[name="password"]').fill(`wrong-${i}`);
    await page.locator('button[type="submit"]').click();
    await expect(page.locator('button[type="submit"]')).toBeEnabled();
    said = (await alert.textContent()) ?? "";
    if (i < 5) expect(said).toMatch(/正しくありません|not correct/);
  }
  expect(said).toMatch(/\d+\s*秒ほど待って|wait \d+ seconds?/);
});

test("the locale route refuses a cross-site text/plain body", async ({ page }) => {
  await page.goto("/login");
  const status = await page.evaluate(async () => {
    const r = await fetch("/api/locale", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ locale: "en" }),
    });
    return r.status;
  });
  expect(status).toBe(415);
});
