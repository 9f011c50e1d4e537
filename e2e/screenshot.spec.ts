/**
 * Refreshes the README's screenshots of the lesson page, at laptop (1280×800) and phone
 * (390×844) size: `UPDATE_SCREENSHOTS=1 npm run test:e2e -- e2e/screenshot.spec.ts`.
 * Skipped otherwise (a picture is not an assertion; e2e/layout.spec.ts checks the layouts).
 */
import { expect, test } from "@playwright/test";
import { LessonPage, login, STUDENT3 } from "./pages";

const SHOTS = [
  { file: "docs/screenshots/lesson.png", viewport: { width: 1280, height: 800 } },
  { file: "docs/screenshots/lesson-phone.png", viewport: { width: 390, height: 844 } },
] as const;

for (const { file, viewport } of SHOTS) {
  test(`README screenshot of the lesson page at ${viewport.width}×${viewport.height}`, async ({
    browser,
  }) => {
    test.skip(!process.env.UPDATE_SCREENSHOTS, "set UPDATE_SCREENSHOTS=1 to refresh docs/screenshots/");
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await login(page, STUDENT3);
    await page.request.post("/api/locale", { data: { locale: "ja" } });
    const lesson = new LessonPage(page);
    if (viewport.width < 700) {
      // On a phone the lesson and the terminal take turns; show the terminal at work.
      await page.goto("/learn/pods-and-nodes");
      await expect(page.locator('.status[data-status="online"]')).toBeAttached();
      await page.getByRole("button", { name: "ターミナル", exact: true }).click();
      await expect.poll(() => lesson.terminalText()).toContain("$");
    } else await lesson.open("pods-and-nodes");
    await lesson.runToPrompt("kubectl get pods", /kubernetes-bootcamp-\S+\s+1\/1\s+Running/);
    await lesson.runToPrompt("kubectl describe pods | head -12", /Controlled By|IP:/);
    if (viewport.width >= 700) await lesson.runToPrompt("kubectl get pods -o wide", /NOMINATED NODE/);
    await page.screenshot({ path: file });
    await context.close();
  });
}
