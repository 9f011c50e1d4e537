/**
 * What a teacher reads on the board and the mirror: the symbols are explained on the page,
 * names look like the links they are, lesson titles are whole, and the mirror says where the
 * student is and draws their terminal exactly as the student's own page does.
 */
import { expect, test } from "@playwright/test";
import { LessonPage, newStudent, STUDENT1, TEACHER } from "./pages";

test.use({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });

test("the board explains its marks, names look like links, and lesson titles are whole", async ({
  browser,
}) => {
  const { context, page } = await newStudent(browser, TEACHER);
  await page.request.post("/api/locale", { data: { locale: "en" } });
  await page.goto("/teach");
  const legend = page.getByTestId("legend");
  await expect(legend).toContainText("opened the step's solution");
  await expect(legend.locator("dt", { hasText: /^S$/ })).toBeVisible();
  await expect(legend).toContainText("step completed");
  await expect(legend).toContainText("watch that student's terminal");

  const name = page.locator(`tr[data-student="${STUDENT1.email}"] a.student`);
  const style = await name.evaluate((a) => {
    const s = getComputedStyle(a);
    return { line: s.textDecorationLine, color: s.color, body: getComputedStyle(document.body).color };
  });
  expect(style.line).toContain("underline");
  expect(style.color).not.toBe(style.body);

  const headers = page.locator("th.lessoncol");
  expect(await headers.count()).toBeGreaterThan(5);
  for (const th of await headers.all()) {
    const { cut, text } = await th.evaluate((e) => ({
      cut: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1,
      text: e.textContent ?? "",
    }));
    expect(cut, `“${text}” is cut`).toBe(false);
    expect(text).not.toContain("…");
  }
  await page.screenshot({ path: "test-results/layout/board-legend-1280x800.png" });
  await context.close();
});

test("the mirror shows the student's lesson and step, in the student's terminal font", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const student = await newStudent(browser, STUDENT1);
  await student.page.request.post("/api/locale", { data: { locale: "en" } });
  const lesson = new LessonPage(student.page);
  await lesson.open("pods-and-nodes");
  await lesson.runToPrompt("echo where-am-i", /\nwhere-am-i/);

  const teacher = await newStudent(browser, TEACHER);
  await teacher.page.request.post("/api/locale", { data: { locale: "en" } });
  await teacher.page.goto("/teach");
  const href = await teacher.page
    .locator(`tr[data-student="${STUDENT1.email}"] a.student`)
    .getAttribute("href");
  const where = teacher.page.getByTestId("where");
  // (The command journal is written as the student works; the page reads where they are from it.)
  await expect
    .poll(
      async () => {
        await teacher.page.goto(href!);
        return where.textContent({ timeout: 5000 });
      },
      { timeout: 30_000 },
    )
    .toContain("Lesson 3. Pods and Nodes");
  await expect(where).toContainText(/step \d of 4: |every step of this lesson done/);

  // Same font, size and row height on both sides.
  const look = (page: typeof student.page, rows: string) =>
    page
      .locator(rows)
      .first()
      .evaluate((el) => {
        const s = getComputedStyle(el);
        const row = el.querySelector("div");
        return { family: s.fontFamily, size: s.fontSize, row: row ? getComputedStyle(row).height : "" };
      });
  const mirror = await look(teacher.page, '[data-watch-tab="1"] .xterm-rows');
  const own = await look(student.page, ".xterm-tab:visible .xterm-rows");
  expect(mirror).toEqual(own);
  expect(own.family).toContain("DejaVu Sans Mono");
  await teacher.context.close();
  await student.context.close();
});
