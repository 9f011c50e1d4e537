/**
 * A student writes a deployment manifest in vi inside the browser terminal, applies it, and
 * watches the rollout with `watch kubectl get pods` until the pods run; Ctrl-C gives the prompt
 * back. Screenshots of the editor and of watch at 1280×800 and 390×844.
 */
import { expect, type Page, test } from "@playwright/test";
import { LessonPage, newStudent, STUDENT3 } from "./pages";

const MANIFEST = [
  "apiVersion: apps/v1",
  "kind: Deployment",
  "metadata:",
  "  name: web",
  "spec:",
  "  replicas: 2",
  "  selector:",
  "    matchLabels:",
  "      app: web",
  "  template:",
  "    metadata:",
  "      labels:",
  "        app: web",
  "    spec:",
  "      containers:",
  "      - name: web",
  "        image: gcr.io/google-samples/kubernetes-bootcamp:v1",
];

async function keys(page: Page, text: string): Promise<void> {
  await page.locator(".xterm-tab:visible .xterm-helper-textarea").focus();
  await page.keyboard.type(text, { delay: 5 });
}

test("write a manifest in vi, apply it and watch the rollout", async ({ browser }) => {
  test.setTimeout(180_000);
  const { context, page } = await newStudent(browser, STUDENT3);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.request.post("/api/locale", { data: { locale: "en" } });
  const lesson = new LessonPage(page);
  await lesson.open("pods-and-nodes");

  await lesson.type("vi web.yaml");
  await expect.poll(() => lesson.terminalText()).toContain('"web.yaml" [New]');
  await keys(page, "i");
  await expect.poll(() => lesson.terminalText()).toContain("-- INSERT --");
  for (const line of MANIFEST) {
    await keys(page, line);
    await page.keyboard.press("Enter");
  }
  await page.keyboard.press("Backspace");
  await expect
    .poll(() => lesson.terminalText())
    .toContain("image: gcr.io/google-samples/kubernetes-bootcamp:v1");
  await page.screenshot({ path: "test-results/manifest-editor/vi-1280x800.png" });
  await page.keyboard.press("Escape");
  await keys(page, ":wq");
  await page.keyboard.press("Enter");
  await expect.poll(() => lesson.terminalText()).toMatch(/\$ vi web\.yaml\s*\n[\s\S]*\$\s*$/);

  await lesson.runToPrompt("kubectl apply -f web.yaml", /deployment\.apps\/web created/);

  await lesson.type("watch kubectl get pods");
  await expect.poll(() => lesson.terminalText()).toMatch(/Every 2\.0s: kubectl get pods/);
  // the rollout is seen through watch's refreshes: both pods of `web` end Running
  await expect
    .poll(() => lesson.terminalText(), { timeout: 90_000 })
    .toMatch(/web-\S+\s+1\/1\s+Running[\s\S]*web-\S+\s+1\/1\s+Running/);
  await page.screenshot({ path: "test-results/manifest-editor/watch-1280x800.png" });
  await page.keyboard.press("Control+C");
  await expect.poll(() => lesson.terminalText()).toMatch(/\$ watch kubectl get pods\s*\n[\s\S]*\$\s*$/);
  expect(await lesson.terminalText()).not.toContain("Every 2.0s");

  // The same screens on a phone.
  // (the terminal refits to the narrow screen; the editor opened now draws at its width)
  await page.setViewportSize({ width: 390, height: 844 });
  // one pane at a time on a phone: the terminal is a tap away
  const terminalButton = page.getByRole("button", { name: "Terminal", exact: true });
  if (await terminalButton.isVisible()) await terminalButton.click();
  await expect(page.getByTestId("terminal")).toBeVisible();
  await lesson.type("vi web.yaml");
  await expect.poll(() => lesson.terminalText()).toMatch(/"web\.yaml" 17L, \d+B/);
  await page.screenshot({ path: "test-results/manifest-editor/vi-390x844.png" });
  await keys(page, ":q");
  await page.keyboard.press("Enter");
  await lesson.type("watch kubectl get pods");
  // a phone's ~44 columns are too few for "Every 2.0s: " beside the time: procps' watch keeps the time
  await expect
    .poll(() => lesson.terminalText())
    .toMatch(/minikube: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}/);
  await expect.poll(() => lesson.terminalText()).toMatch(/web-\S+\s+1\/1\s+Running/);
  await page.screenshot({ path: "test-results/manifest-editor/watch-390x844.png" });
  await page.keyboard.press("Control+C");
  await expect.poll(() => lesson.terminalText()).toMatch(/\$\s*$/);
  await context.close();
});
