/**
 * Every page at laptop and phone sizes: nothing scrolls sideways, the top bar folds into a menu
 * on a phone, the lesson and terminal take turns there, and the lesson/terminal divider can be
 * dragged or moved by keyboard and is remembered. Screenshots land in test-results/layout/.
 */
import { type Browser, expect, type Page, test } from "@playwright/test";
import { LessonPage, login, noSidewaysScroll, STUDENT3, TEACHER } from "./pages";

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
  { width: 360, height: 740 },
] as const;

async function shoot(page: Page, name: string): Promise<void> {
  const { width, height } = page.viewportSize()!;
  await page.screenshot({ path: `test-results/layout/${name}-${width}x${height}.png` });
}

/** The page scrolls not sideways, and its screenshot is kept for a look. */
async function fits(page: Page, name: string): Promise<void> {
  await noSidewaysScroll(page, name);
  await shoot(page, name);
}

/** Opens `path`, waits for `ready` (the page's main element by default), then checks and shoots it. */
async function visit(page: Page, path: string, name: string, ready = page.locator("main")): Promise<void> {
  await page.goto(path);
  await expect(ready).toBeVisible();
  await fits(page, name);
}

async function signedIn(browser: Browser, who: typeof STUDENT3, size: (typeof SIZES)[number]) {
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await login(page, who);
  await page.request.post("/api/locale", { data: { locale: "en" } });
  return { context, page };
}

for (const size of SIZES) {
  const phone = size.width < 700;
  test(`pages fit ${size.width}×${size.height}`, async ({ browser }) => {
    test.setTimeout(120_000);
    // Login, signed out.
    const anon = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
    const loginPage = await anon.newPage();
    await loginPage.goto("/login");
    await expect(loginPage.locator('button[type="submit"]')).toBeVisible();
    await fits(loginPage, "login");
    await anon.close();

    // Course and lesson, as a student.
    const { context, page } = await signedIn(browser, STUDENT3, size);
    await page.goto("/learn");
    await expect(page.locator(".lessons li").first()).toBeVisible();
    await noSidewaysScroll(page, "course");
    // Titles read as lines of words, not a column of single characters.
    for (const title of await page.locator(".lessons .title").all()) {
      const box = (await title.boundingBox())!;
      expect(box.width).toBeGreaterThan(Math.min(400, size.width * 0.6));
    }
    const logout = page.getByRole("button", { name: "Log out" });
    if (phone) {
      // The bar is one row: brand and a menu button; the rest is inside the menu.
      const bar = (await page.locator(".topbar").boundingBox())!;
      expect(bar.height).toBeLessThanOrEqual(49);
      await expect(logout).toBeHidden();
      await page.getByRole("button", { name: "Menu" }).click();
      await expect(logout).toBeVisible();
      await expect(page.getByRole("button", { name: "English" })).toBeVisible();
      const box = (await logout.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(size.width);
      await shoot(page, "course-menu");
      await page.keyboard.press("Escape");
      await expect(logout).toBeHidden();
    } else {
      await expect(logout).toBeVisible();
      await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
    }
    await shoot(page, "course");

    const lesson = new LessonPage(page);
    // A lesson no other spec finishes for this student, so the board has a step to mark as
    // theirs now (a finished lesson has none, whatever order the specs run in).
    await page.goto("/learn/scale-app");
    await expect(page.locator('.status[data-status="online"]')).toBeAttached();
    await fits(page, "lesson");
    if (phone) {
      // One pane at a time: the lesson first, the terminal one tap away.
      await expect(page.locator("section.text")).toBeVisible();
      await expect(page.getByTestId("terminal")).toBeHidden();
      await page.getByRole("button", { name: "Terminal", exact: true }).click();
      await expect(page.getByTestId("terminal")).toBeVisible();
      await expect(page.locator("section.text")).toBeHidden();
    } else {
      await expect(page.locator("section.text")).toBeVisible();
      await expect(page.getByTestId("terminal")).toBeVisible();
    }
    await expect.poll(() => lesson.terminalText()).toContain("$");
    await lesson.runToPrompt("kubectl get pods", /kubernetes-bootcamp-\S+\s+1\/1\s+Running/);
    await fits(page, "lesson-terminal");
    await context.close();

    // The teacher's board and a student's mirror.
    const teacher = await signedIn(browser, TEACHER, size);
    await teacher.page.goto("/teach");
    await expect(teacher.page.getByTestId("board")).toBeVisible();
    await noSidewaysScroll(teacher.page, "teacher board");
    // The student who just typed is on a step: marked in the grid and under their name.
    await expect(
      teacher.page.locator(`tr[data-student="${STUDENT3.email}"] [data-testid="position"]`),
    ).toBeVisible();
    await expect(
      teacher.page.locator(`tr[data-student="${STUDENT3.email}"] td[data-current="true"]`),
    ).toHaveCount(1);
    await shoot(teacher.page, "board");
    // A class's board is the same board, for its students.
    await teacher.page.goto("/classes");
    const classHref = await teacher.page
      .locator("main a[href^='/classes/']")
      .evaluateAll((as) =>
        as.map((a) => a.getAttribute("href") ?? "").find((h) => /^\/classes\/[^/]+$/.test(h)),
      );
    expect(classHref, "a class of the demo teacher").toBeTruthy();
    await teacher.page.goto(`${classHref}/board`);
    await expect(teacher.page.getByTestId("board")).toBeVisible();
    await fits(teacher.page, "class-board");
    const href = await teacher.page
      .locator(`tr[data-student="${STUDENT3.email}"] a.student`)
      .getAttribute("href");
    await teacher.page.goto(href!);
    await expect(teacher.page.locator("h1")).toBeVisible();
    await fits(teacher.page, "mirror");
    await teacher.context.close();
  });
}

test("the lesson/terminal divider drags, moves by keyboard, and is remembered", async ({ browser }) => {
  const { context, page } = await signedIn(browser, STUDENT3, SIZES[0]);
  const lesson = new LessonPage(page);
  await lesson.open("pods-and-nodes");
  const text = page.locator("section.text");
  const divider = page.getByRole("separator", { name: "Resize the lesson and the terminal" });
  const width = async () => (await text.boundingBox())!.width;
  const before = await width();
  const terminalBefore = (await page.getByTestId("terminal").boundingBox())!.width;

  const d = (await divider.boundingBox())!;
  await page.mouse.move(d.x + d.width / 2, d.y + d.height / 2);
  await page.mouse.down();
  await page.mouse.move(d.x + 200, d.y + d.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect.poll(width).toBeGreaterThan(before + 180);
  expect((await page.getByTestId("terminal").boundingBox())!.width).toBeLessThan(terminalBefore - 180);
  const dragged = await width();

  await page.reload();
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  await expect.poll(width).toBeCloseTo(dragged, -1);

  // Keyboard: arrows move it by 2 % of the width, and that is kept too.
  await divider.focus();
  const now = Number(await divider.getAttribute("aria-valuenow"));
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
  await expect(divider).toHaveAttribute("aria-valuenow", String(now - 10));
  await page.keyboard.press("Home");
  await expect(divider).toHaveAttribute("aria-valuenow", "20");
  await page.reload();
  await expect(divider).toHaveAttribute("aria-valuenow", "20");
  // The terminal still works at its new size.
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  await lesson.runToPrompt("echo still-here", /\nstill-here/);
  await context.close();
});

const ADMIN = { email: "admin@example.com", password: "admin-e2e-password" };

/** The pages the test above does not reach: a class's pages, account, join, admin. */
for (const size of SIZES) {
  test(`classroom pages fit ${size.width}×${size.height}`, async ({ browser }) => {
    test.setTimeout(120_000);
    const teacher = await signedIn(browser, TEACHER, size);
    const page = teacher.page;
    await page.goto("/classes");
    await fits(page, "classes");
    const classHref = await page
      .locator("main a[href^='/classes/']")
      .evaluateAll((as) =>
        as.map((a) => a.getAttribute("href") ?? "").find((h) => /^\/classes\/[^/]+$/.test(h)),
      );
    expect(classHref, "a class of the demo teacher").toBeTruthy();
    await visit(page, classHref!, "class", page.getByTestId("class-name"));
    const code = (await page.getByTestId("join-code").textContent())?.trim();
    for (const [sub, ready] of [
      ["gradebook", page.getByTestId("export")],
      ["live", page.locator("main h1")],
      ["charts", page.getByTestId("chart-lesson")],
    ] as const) {
      await visit(page, `${classHref}/${sub}`, `class-${sub}`, ready);
      if (sub === "gradebook") {
        // A grade's breakdown, step by step.
        await page.locator(".scorebtn").first().click();
        await expect(page.locator(".breakdown table")).toBeVisible();
        await noSidewaysScroll(page, "grade breakdown");
        await page.locator(".breakdown").screenshot({
          path: `test-results/layout/class-grade-${size.width}x${size.height}.png`,
        });
      }
    }
    await visit(page, "/account", "account", page.locator("main h1"));
    await teacher.context.close();

    // A class's join page as someone signed out sees it, and a reset link that is not valid.
    const anon = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
    const join = await anon.newPage();
    expect(code, "the class shows its join code").toBeTruthy();
    await visit(join, `/join/${encodeURIComponent(code!)}`, "join");
    await visit(join, "/account/set-password?token=not-a-token", "set-password");
    await anon.close();

    const admin = await signedIn(browser, ADMIN, size);
    await visit(admin.page, "/admin", "admin", admin.page.getByTestId("users"));
    await admin.context.close();
  });
}
