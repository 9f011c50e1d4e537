/**
 * What the terminal actually draws, read from the screen's pixels rather than xterm's text
 * buffer (the buffer held `a_b_c` while the screen showed `a b c`).
 */
import { expect, type Page, test } from "@playwright/test";
import { LessonPage, newStudent, STUDENT3 } from "./pages";

test.use({ deviceScaleFactor: 1 });

/** Pixels of a screenshot that are clearly lighter than the terminal's dark background. */
async function inkPixels(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, img.width, img.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.max(data[i]!, data[i + 1]!, data[i + 2]!) > 128) ink++;
    return ink;
  }, png.toString("base64"));
}

test("underscores are drawn at device pixel ratio 1", async ({ browser }) => {
  const { context, page } = await newStudent(browser, STUDENT3);
  const lesson = new LessonPage(page);
  await lesson.open("pods-and-nodes");
  const underscores = "_".repeat(24);
  await lesson.runToPrompt(`echo ${underscores}`, new RegExp(`\\n${underscores}`));
  // The output row holds nothing but underscores: any light pixel in it is an underscore.
  const row = page
    .locator(".xterm-tab:visible .xterm-rows > div")
    .filter({ hasText: new RegExp(`^${underscores}\\s*$`) });
  await expect(row).toHaveCount(1);
  const box = (await row.boundingBox())!;
  const shot = await page.screenshot({
    clip: { x: box.x, y: box.y, width: Math.min(box.width, 24 * 12), height: box.height },
  });
  // 24 underscores of about 8 px each: well over a hundred lit pixels; 0 when they are clipped.
  expect(await inkPixels(page, shot)).toBeGreaterThan(100);
  await context.close();
});

test("a line of emoji that wraps is edited in place (server and xterm agree on widths)", async ({
  browser,
}) => {
  const { context, page } = await newStudent(browser, STUDENT3);
  const lesson = new LessonPage(page);
  await lesson.open("pods-and-nodes");
  await lesson.runToPrompt("echo row-above-the-line", /\nrow-above-the-line/);
  // 160 columns by Unicode 11, so the line wraps. xterm's default (Unicode 6) counts each emoji
  // as one column, our old table counted 😀 as two and 🚀 as one: the line then takes a
  // different number of rows on each side, and "up one row" from the server lands in the output
  // above the line.
  const rockets = "😀🚀".repeat(40);
  await page.locator(".xterm-tab:visible .xterm-helper-textarea").focus();
  await page.keyboard.type(`echo ${rockets}`);
  await page.keyboard.press("Home");
  await page.keyboard.type("X");
  await expect.poll(() => lesson.terminalText()).toMatch(/\$ Xecho 😀🚀/);
  // Going back to the start of the line must not have climbed into the output above it.
  expect(await lesson.terminalText()).toMatch(/\nrow-above-the-line\n/);
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Enter");
  await expect.poll(() => lesson.terminalText()).toMatch(/\n(😀🚀)+/);
  await context.close();
});

test("a freshly opened lesson shows one prompt, not two on one line", async ({ browser }) => {
  const { context, page } = await newStudent(browser, STUDENT3);
  const lesson = new LessonPage(page);
  await lesson.open("pods-and-nodes");
  // Give a late second attach time to print; the joined lesson and the tab attach only once.
  await lesson.runToPrompt("echo one-prompt", /\none-prompt/);
  await page.reload();
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  await expect.poll(() => lesson.terminalText()).toMatch(/\$\s*$/);
  await lesson.runToPrompt("echo after-reload", /\nafter-reload/);
  const text = await lesson.terminalText();
  expect(text).not.toMatch(/\$ student@minikube/);
  await context.close();
});
