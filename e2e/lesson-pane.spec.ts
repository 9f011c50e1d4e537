/**
 * The lesson text beside the terminal: nothing sticks out of the pane, no button hides a
 * command, and the solution is a list of commands to run, each in the tab the lesson names.
 */
import { type Browser, expect, type Locator, test } from "@playwright/test";
import { LessonPage, newStudent, STUDENT3 } from "./pages";

test.use({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });

/** Whether two boxes share any pixel. */
function overlap(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** An element that scrolls or clips sideways shows less than its content. */
async function fitsSideways(el: Locator): Promise<boolean> {
  return el.evaluate((e) => e.scrollWidth <= e.clientWidth + 1);
}

/** Student 3, reading in English, on the page of lesson `lessonId`. */
async function openInEnglish(browser: Browser, lessonId: string) {
  const { context, page } = await newStudent(browser, STUDENT3);
  await page.request.post("/api/locale", { data: { locale: "en" } });
  const lesson = new LessonPage(page);
  await lesson.open(lessonId);
  return { context, page, lesson };
}

test("code and long URLs stay inside the lesson pane; buttons never cover a command", async ({ browser }) => {
  const { context, page } = await openInEnglish(browser, "pods-and-nodes");
  const pane = page.locator("section.text");
  expect(await fitsSideways(pane)).toBe(true);
  const blocks = page.locator("section.text .codeblock");
  expect(await blocks.count()).toBeGreaterThan(5);
  for (const block of await blocks.all()) {
    const pre = block.locator("pre");
    await pre.scrollIntoViewIfNeeded();
    expect(await fitsSideways(pre), (await pre.textContent()) ?? "").toBe(true);
    const code = (await pre.boundingBox())!;
    const button = (await block.locator("button.copy").boundingBox())!;
    expect(overlap(code, button), `button over “${await pre.textContent()}”`).toBe(false);
  }
  // The longest URL of the lesson is there whole, wrapped inside the pane.
  const url = pane.locator("pre", { hasText: "/api/v1/namespaces/default/pods/$POD_NAME:8080/proxy/" });
  await expect(url.first()).toBeVisible();
  const paneBox = (await pane.boundingBox())!;
  const urlBox = (await url.first().boundingBox())!;
  expect(urlBox.x + urlBox.width).toBeLessThanOrEqual(paneBox.x + paneBox.width);
  await context.close();
});

test("the solution runs each line in its own tab, and the hint stays open beside it", async ({ browser }) => {
  const { context, page, lesson } = await openInEnglish(browser, "deploy-app");
  const step = page.locator("#step-proxy");
  await step.getByRole("button", { name: "Show hint" }).click();
  await step.getByRole("button", { name: "Show solution" }).click();
  await expect(step.getByTestId("hint")).toContainText("kubectl proxy");
  const solution = step.getByTestId("solution");
  await expect(solution).toBeVisible();
  // No pseudo-line: the tab is a badge on the command it belongs to.
  await expect(solution).not.toContainText("# tab");
  const proxyLine = solution.locator("li", { hasText: "kubectl proxy" });
  await expect(proxyLine.locator(".tabbadge")).toHaveText("Tab 2");
  await expect(solution.locator("li", { hasText: "curl" }).locator(".tabbadge")).toHaveText("Tab 1");
  for (const code of await solution.locator("code").all()) expect(await fitsSideways(code)).toBe(true);

  // "Run" on the proxy line opens tab 2 and starts the proxy there …
  await proxyLine.getByRole("button", { name: /^Run “kubectl proxy” in tab 2$/ }).click();
  await expect(page.getByRole("tab", { name: "Tab 2" })).toHaveAttribute("aria-selected", "true");
  await expect.poll(() => lesson.terminalText()).toContain("Starting to serve on 127.0.0.1:8001");
  // … and "Run" on the curl line goes back to tab 1, where the proxy answers.
  await solution
    .locator("li", { hasText: "curl" })
    .getByRole("button", { name: /in tab 1$/ })
    .click();
  await expect(page.getByRole("tab", { name: "Tab 1" })).toHaveAttribute("aria-selected", "true");
  await expect.poll(() => lesson.terminalText()).toContain('"gitVersion"');
  await expect(step.getByTestId("hint")).toBeVisible();
  await context.close();
});
