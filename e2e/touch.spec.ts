/**
 * What a phone, with a finger and no mouse, must reach: a step's title on the teacher's board
 * (there is no hover), and the terminal's output above the screen (a swipe scrolls it back),
 * the terminal using the whole width of the phone (no strip kept for a scroll bar a finger
 * does not use). Screenshots land in test-results/touch/.
 */
import { type Browser, expect, type Page, test } from "@playwright/test";
import { LessonPage, login, STUDENT2, TEACHER } from "./pages";

const PHONES = [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
] as const;
const LAPTOP = { width: 1280, height: 800 } as const;

async function shoot(page: Page, name: string): Promise<void> {
  const { width, height } = page.viewportSize()!;
  const lang = await page.evaluate(() => document.documentElement.lang);
  await page.screenshot({ path: `test-results/touch/${name}-${lang}-${width}x${height}.png` });
}

async function signedIn(
  browser: Browser,
  who: typeof TEACHER,
  size: { width: number; height: number },
  locale: "en" | "ja",
) {
  const touch = size.width < 700;
  const context = await browser.newContext({
    viewport: size,
    deviceScaleFactor: 1,
    hasTouch: touch,
    isMobile: touch,
  });
  const page = await context.newPage();
  await login(page, who);
  await page.request.post("/api/locale", { data: { locale } });
  return { context, page };
}

const WORDS = {
  en: { step: "Step 1: ", noHover: /hover/i },
  ja: { step: "ステップ 1: ", noHover: /カーソル|マウス/ },
} as const;

for (const locale of ["en", "ja"] as const)
  for (const size of [LAPTOP, ...PHONES])
    test(`a step's title on the board is one tap away, ${size.width}×${size.height} (${locale})`, async ({
      browser,
    }) => {
      const { context, page } = await signedIn(browser, TEACHER, size, locale);
      await page.goto("/teach");
      const board = page.getByTestId("board");
      await expect(board.locator("tbody tr").first()).toBeVisible();
      // The legend says what works on every screen: not "hover", which a phone cannot do.
      await expect(page.getByTestId("legend")).not.toContainText(WORDS[locale].noHover);
      const first = board.locator("thead .stepcol").first();
      // The step number is a button whose name carries the title, for a screen reader too.
      const step = first.getByRole("button", { name: WORDS[locale].step });
      await expect(step).toBeVisible();
      await expect(step).toHaveText("1");
      const name = (await step.getAttribute("aria-label")) ?? "";
      const title = name.slice(WORDS[locale].step.length);
      expect(title.length, "the step's title in the button's name").toBeGreaterThan(2);
      // The grid is no wider: on a phone, where the board scrolls in its box, a step's column
      // keeps its 1.9rem (30.4 px and a border); on a laptop the columns share the page's width.
      const column = (await first.boundingBox())!;
      if (size.width < 700) expect(column.width).toBeLessThan(32);
      const height = (await step.boundingBox())!.height;
      if (size.width < 700) {
        // A tap, not a click: what a finger does.
        const box = (await step.boundingBox())!;
        expect(height, "a thumb's height").toBeGreaterThanOrEqual(43.5);
        expect(box.width, "the width of its column, at least 24 px").toBeGreaterThanOrEqual(24);
        await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
      } else await step.click();
      const shown = page.locator(".steptitle:popover-open");
      await expect(shown).toBeVisible();
      await expect(shown).toContainText(title);
      // Whole on the screen.
      const s = (await shown.boundingBox())!;
      expect(s.x).toBeGreaterThanOrEqual(0);
      expect(s.x + s.width).toBeLessThanOrEqual(size.width);
      await shoot(page, "board-step-title");
      // It goes away as a tap elsewhere or Escape.
      await page.keyboard.press("Escape");
      await expect(shown).toHaveCount(0);
      expect((await first.boundingBox())!.width).toBeCloseTo(column.width, 0);
      await context.close();
    });

/** The terminal's visible rows, top to bottom. */
function rows(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll(".xterm-tab:not([style*='none']) .xterm-rows > div")].map(
      (r) => r.textContent ?? "",
    ),
  );
}

/** A finger's swipe from (x, y) by dy px down (positive: it pulls older output into view). */
async function swipe(page: Page, x: number, y: number, dy: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
  for (let i = 1; i <= 10; i++)
    await cdp.send("Input.dispatchTouchEvent", {
      type: "touchMove",
      touchPoints: [{ x, y: y + (dy * i) / 10 }],
    });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

for (const size of PHONES)
  test(`the phone's terminal uses its whole width and a swipe scrolls back through output, ${size.width}×${size.height}`, async ({
    browser,
  }) => {
    const { context, page } = await signedIn(browser, STUDENT2, size, "en");
    const lesson = new LessonPage(page);
    await page.goto("/learn/pods-and-nodes");
    await expect(page.locator('.status[data-status="online"]')).toBeAttached();
    await page.getByRole("button", { name: "Terminal", exact: true }).tap();
    await expect(page.getByTestId("terminal")).toBeVisible();
    await expect.poll(() => lesson.terminalText()).toContain("$");
    // More lines than the screen holds (named after the run: the terminal keeps an earlier one's).
    const tag = `w${size.width}x${Date.now() % 100_000}`;
    await lesson.runToPrompt(
      `clear; for i in $(seq 1 120); do echo ${tag}-$i; done`,
      new RegExp(`${tag}-120`),
    );
    await shoot(page, "terminal");

    // The text runs to the right edge: what is left there is less than one character's width
    // (DejaVu Sans Mono at 14 px: 8.4 px), not a strip kept for a scroll bar.
    // (xterm sets its screen's width to its columns × a character's width.)
    const room = await page.evaluate(() => {
      const tab = [...document.querySelectorAll<HTMLElement>(".xterm-tab")].find(
        (t) => t.style.display !== "none",
      )!;
      // Inside the padding around the text (6 px, the terminal's margin by design).
      const host = tab.parentElement!;
      const edge =
        host.getBoundingClientRect().right - Number.parseFloat(getComputedStyle(host).paddingRight);
      return edge - tab.querySelector(".xterm-screen")!.getBoundingClientRect().right;
    });
    expect(room, "px left unused at the terminal's right edge").toBeLessThan(9);

    // A swipe down brings back what scrolled off the top; a swipe up returns to the prompt.
    const before = await rows(page);
    expect(before.join("\n")).not.toContain(`${tag}-1\n`);
    const box = (await page.locator(".xterm-tab:visible .xterm-screen").boundingBox())!;
    await swipe(page, box.x + box.width / 2, box.y + 100, 400);
    await expect.poll(async () => (await rows(page))[0]).not.toBe(before[0]);
    const scrolled = await rows(page);
    const numbered = new RegExp(`${tag}-(\\d+)`);
    const n = (lines: string[]) => Number(numbered.exec(lines.find((l) => numbered.test(l)) ?? "")?.[1]);
    expect(n(scrolled), "the first line shown, after the swipe").toBeLessThan(n(before));
    await shoot(page, "terminal-scrolled");
    await swipe(page, box.x + box.width / 2, box.y + box.height - 50, -2000);
    await expect
      .poll(async () => (await rows(page)).join("\n"))
      .toMatch(new RegExp(`${tag}-120[\\s\\S]*\\$`));
    await context.close();
  });
