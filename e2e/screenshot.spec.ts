/**
 * Refreshes the README's screenshot of the lesson page: `UPDATE_SCREENSHOTS=1 npm run test:e2e`.
 * Skipped otherwise (a picture is not an assertion).
 */
import { test } from "@playwright/test";
import { LessonPage, newStudent } from "./pages";

test("README screenshot of the lesson page", async ({ browser }) => {
  test.skip(!process.env.UPDATE_SCREENSHOTS, "set UPDATE_SCREENSHOTS=1 to refresh docs/screenshots/");
  const { context, page } = await newStudent(browser, {
    email: "student3@example.com",
    password: "student-demo",
  });
  await page.goto("/api/locale").catch(() => {});
  await page.request.post("/api/locale", { data: { locale: "ja" } });
  const lesson = new LessonPage(page);
  await lesson.open("pods-and-nodes");
  await lesson.run("kubectl get pods", /kubernetes-bootcamp-\S+\s+1\/1\s+Running/);
  await lesson.run("kubectl describe pods | head -12", /Controlled By|IP:/);
  await lesson.run("kubectl get pods -o wide", /NOMINATED NODE/);
  await page.screenshot({ path: "docs/screenshots/lesson.png" });
  await context.close();
});
