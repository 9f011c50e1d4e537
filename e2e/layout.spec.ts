/**
 * Every page at laptop and phone sizes, in Japanese and English: nothing scrolls sideways,
 * nothing is cut off by a box that clips it, the top bar folds into a menu on a phone, the
 * lesson and terminal take turns there, and the lesson/terminal divider can be dragged or moved
 * by keyboard and is remembered. Screenshots land in test-results/layout/.
 */
import { type Browser, expect, type Locator, type Page, test } from "@playwright/test";
import { LessonPage, login, noSidewaysScroll, STUDENT3, TEACHER } from "./pages";

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
  { width: 360, height: 740 },
] as const;

/** Where a screenshot of `name` goes: its language and size in its name. */
async function shotPath(page: Page, name: string): Promise<string> {
  const { width, height } = page.viewportSize()!;
  const lang = await page.evaluate(() => document.documentElement.lang);
  return `test-results/layout/${name}-${lang}-${width}x${height}.png`;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: await shotPath(page, name) });
}

/**
 * Overflow that the design means, so not a cut: `[content, scroller]` — what is inside `content`
 * may run past `scroller` (and the window), which scrolls sideways to show it.
 * - The terminal (xterm.js, the student's tabs and the teacher's mirror) lays out its own rows,
 *   measure element and hidden input at its column width, scrolls them itself and wraps long
 *   lines as a terminal does: what xterm draws inside it is its business.
 * - Tables (`.scroll-x`: components/classroom/GridTable.tsx, ScrollX.tsx — the gradebook, the
 *   teacher's board): a narrow screen scrolls the table sideways in its own box, with a cue that
 *   it does, instead of squeezing its columns or wrapping addresses (the board's legend above it
 *   still has to wrap and is checked).
 */
const MEANT_TO_SCROLL: ReadonlyArray<readonly [content: string, scroller: string]> = [
  [".xterm", ".xterm"],
  [".scroll-x > table", ".scroll-x"],
  // A drawing in a lesson (a ```text block) keeps its lines and scrolls in its own box.
  ["pre > code.language-text", "pre"],
];

/**
 * Boxes that scroll up and down by design, so what is below their fold is not cut: the lesson
 * pane and a dialog taller than the window. Any other box that clips must hold its content
 * whole in height too (a menu under a bar that clips is not there at all).
 */
const SCROLL_UP_AND_DOWN = [".lesson .text", "dialog"];

/**
 * Every visible piece of text, button, input and link that reaches past the visible box of an
 * ancestor that clips it (overflow hidden/auto/scroll/clip — a pane that scrolls up and down
 * clips sideways too) or past the window's width: each one is cut off, or makes its pane scroll
 * sideways. Sideways always; up and down except in SCROLL_UP_AND_DOWN. Text cut with an
 * ellipsis (`text-overflow: ellipsis`) is meant so, and shown whole in a tooltip. One line per
 * offender; none is the goal.
 */
async function clipped(page: Page): Promise<string[]> {
  // Fonts in (a late web font re-flows every line) and two frames for layout to settle.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(
    ({ meant, panes }) => {
      const SLACK = 1; // sub-pixel rounding
      const viewportRight = document.documentElement.clientWidth;
      const style = (el: Element) => getComputedStyle(el);
      const name = (el: Element) => {
        const cls = [...el.classList]
          .slice(0, 2)
          .map((c) => `.${c}`)
          .join("");
        const id = el.id ? `#${el.id}` : "";
        return `${el.tagName.toLowerCase()}${id}${cls}`;
      };
      // A form control's label or value past its border is cut or spills out: it counts as clipping.
      const clips = (el: Element) => {
        const s = style(el);
        return (
          s.overflowX !== "visible" ||
          s.overflowY !== "visible" ||
          el.matches("button, input, select, textarea")
        );
      };
      /** The box an element clips its content to: its padding box, less a scroll bar. */
      const clipBox = (el: Element) => {
        const r = el.getBoundingClientRect();
        const left = r.left + el.clientLeft;
        const top = r.top + el.clientTop;
        return { left, right: left + el.clientWidth, top, bottom: top + el.clientHeight };
      };
      /**
       * The ancestors whose clipping applies to a box laid out in `el`'s content (`self`: `el`
       * clips too, as it does its own text), up to an intended scroller. An absolutely placed box
       * escapes every clipping ancestor below its containing block, a fixed one all of them.
       * `undefined` when the box belongs to overflow the design means (then not the window either).
       */
      const clippers = (el: Element, self: boolean): Element[] | undefined => {
        const stops = meant
          .map(([content, scroller]) => el.closest(content)?.closest(scroller))
          .filter((x): x is Element => !!x);
        const out: Element[] = [];
        if (self && clips(el)) out.push(el);
        let position = style(el).position;
        for (let a = el.parentElement; a; a = a.parentElement) {
          if (stops.includes(a)) return undefined;
          if (position === "fixed") break;
          const s = style(a);
          if (position === "absolute" && s.position === "static" && s.transform === "none") continue;
          if (clips(a) && a !== document.documentElement && a !== document.body) out.push(a);
          position = s.position;
        }
        return stops.length ? undefined : out;
      };
      const visible = (el: Element) =>
        el.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true });
      type Box = { left: number; right: number; top: number; bottom: number; width: number; height: number };
      /** Why `box`, laid out in `el` (`self`: `el` clips it too), is cut off; null when it is not. */
      const cut = (box: Box, el: Element, self: boolean): string | null => {
        // A visually hidden label (1 px, clipped) is for screen readers only.
        if (box.width <= 1 || box.height <= 1) return null;
        const by = clippers(el, self);
        if (!by) return null;
        const at = `[${Math.round(box.left)}–${Math.round(box.right)}]`;
        for (const c of by) {
          const { left, right, top, bottom } = clipBox(c);
          if (box.left < left - SLACK || box.right > right + SLACK) {
            // Cut with "…" on purpose: the rest is not shown.
            if (style(c).textOverflow === "ellipsis") return null;
            return `${at} is cut by ${name(c)} [${Math.round(left)}–${Math.round(right)}]`;
          }
          if (!c.matches(panes) && (box.top < top - SLACK || box.bottom > bottom + SLACK))
            return `${at} (${Math.round(box.top)}–${Math.round(box.bottom)} down) is cut by ${name(c)} (${Math.round(top)}–${Math.round(bottom)} down)`;
        }
        if (box.left < -SLACK || box.right > viewportRight + SLACK)
          return `${at} is past the window's width ${viewportRight}`;
        return null;
      };
      const problems: string[] = [];
      // Buttons, inputs, links and images as boxes.
      for (const el of document.querySelectorAll(
        "button, input:not([type=hidden]), select, textarea, a, img, svg",
      )) {
        if (!visible(el)) continue;
        const why = cut(el.getBoundingClientRect(), el, false);
        if (why) problems.push(`${name(el)} "${(el.textContent ?? "").trim().slice(0, 40)}" ${why}`);
      }
      // Text, line by line, as laid out (a block's box may be wider than its words).
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const parent = n.parentElement;
        if (!parent || !n.textContent?.trim() || !visible(parent)) continue;
        if (["SCRIPT", "STYLE", "NOSCRIPT", "OPTION", "TEXTAREA"].includes(parent.tagName)) continue;
        range.selectNodeContents(n);
        if (![...range.getClientRects()].some((r) => cut(r, parent, true))) continue;
        // Word by word: white space kept at a line's end (pre-wrap) hangs past the edge unseen.
        for (const word of n.textContent.matchAll(/\S+/g)) {
          range.setStart(n, word.index);
          range.setEnd(n, word.index + word[0].length);
          const why = [...range.getClientRects()].map((r) => cut(r, parent, true)).find((w) => w);
          if (why) problems.push(`text "${word[0].slice(0, 40)}" in ${name(parent)} ${why}`);
        }
      }
      return [...new Set(problems)];
    },
    { meant: MEANT_TO_SCROLL, panes: SCROLL_UP_AND_DOWN.join(", ") },
  );
}

/** Nothing on the page is cut off by a box that clips it or by the window (polled: layout settles). */
async function nothingClipped(page: Page, what: string): Promise<void> {
  await expect.poll(() => clipped(page), { message: `${what}: cut off`, timeout: 5_000 }).toEqual([]);
}

/**
 * On a phone, every visible control a thumb taps that is smaller than 44 × 44 px (a checkbox or
 * radio button counts by its label, its whole line being the target). Links in running text are
 * text and not counted; nor is what xterm draws. With `links` (the pages that have been made
 * so; the teacher's live session), a link that stands alone — the only text of
 * its box, or laid out as an item of a flex or grid box (a card's "Replay") — is a control a
 * thumb taps and counts. A step number in the board's header is as wide as its step's column
 * (the board stays as narrow as it was): 44 px tall and at least 24 px wide (WCAG 2.5.8).
 */
async function smallTargets(page: Page, links: boolean): Promise<string[]> {
  return page.evaluate((links) => {
    const out: string[] = [];
    const alone = (a: Element) => {
      const parent = a.parentElement;
      if (!parent) return false;
      const display = getComputedStyle(parent).display;
      return /flex|grid/.test(display) || (parent.textContent ?? "").trim() === (a.textContent ?? "").trim();
    };
    for (const el of document.querySelectorAll(
      "button, select, input:not([type=hidden]), a.linkbtn, a[href], summary",
    )) {
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) || el.closest(".xterm"))
        continue;
      if (el.matches("a:not(.linkbtn)") && !(links && alone(el))) continue;
      if (el.matches(".board .stepcol > button")) {
        const r = el.getBoundingClientRect();
        if (r.width >= 24 && r.height >= 43.5) continue;
      }
      const target = el.matches("input[type=checkbox], input[type=radio]") ? (el.closest("label") ?? el) : el;
      const r = target.getBoundingClientRect();
      if (r.width >= 43.5 && r.height >= 43.5) continue;
      const label = (el.textContent || el.getAttribute("aria-label") || el.getAttribute("name") || "").trim();
      out.push(
        `${el.tagName.toLowerCase()} "${label.slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
      );
    }
    return out;
  }, links);
}

/** Phones (the layout's breakpoint, 760 px): nothing to tap is smaller than a thumb. */
async function thumbSized(page: Page, what: string, links = false): Promise<void> {
  if (page.viewportSize()!.width > 760) return;
  expect(await smallTargets(page, links), `${what}: controls smaller than 44 × 44 px`).toEqual([]);
}

/**
 * Words of the text in `selector` that are laid out over two lines, i.e. broken inside the word
 * ("Troubleshootin / g", "アプリケーショ / ン") instead of between words. Words as the language
 * cuts them (Intl.Segmenter), so Japanese, written without spaces, is checked too.
 */
async function splitWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    const range = document.createRange();
    const lang = document.documentElement.lang || "en";
    const segmenter = new Intl.Segmenter(lang, { granularity: "word" });
    for (const el of document.querySelectorAll(sel)) {
      if (!el.checkVisibility()) continue;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (const w of segmenter.segment(n.textContent ?? "")) {
          if (!w.isWordLike) continue;
          range.setStart(n, w.index);
          range.setEnd(n, w.index + w.segment.length);
          const lines = new Set(
            [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)),
          );
          if (lines.size > 1) out.push(`"${w.segment}" in "${(el.textContent ?? "").trim().slice(0, 60)}"`);
        }
      }
    }
    return out;
  }, selector);
}

/** Words broken across lines in `selector` (polled: layout and fonts settle); none is the goal. */
async function wholeWords(page: Page, selector: string, what: string): Promise<void> {
  await expect
    .poll(() => splitWords(page, selector), { message: `${what}: words broken inside`, timeout: 5_000 })
    .toEqual([]);
}

/** The page scrolls not sideways, nothing is cut off or too small to tap; its screenshot is kept for a look. */
async function fits(page: Page, name: string): Promise<void> {
  await noSidewaysScroll(page, name);
  await shoot(page, name);
  await nothingClipped(page, name);
  await thumbSized(page, name);
}

/** Opens `path`, waits for `ready` (the page's main element by default), then checks and shoots it. */
async function visit(page: Page, path: string, name: string, ready = page.locator("main")): Promise<void> {
  await page.goto(path);
  await expect(ready).toBeVisible();
  await fits(page, name);
}

const LOCALES = ["ja", "en"] as const;
type Locale = (typeof LOCALES)[number];
/** The few words the specs below find things by. */
const WORDS = {
  ja: {
    logout: "ログアウト",
    menu: "メニュー",
    terminal: "ターミナル",
    notFound: "ページが見つかりません",
    live: "ライブ更新中",
    home: "最初のページへ戻る",
    login: "ログインページへ",
  },
  en: {
    logout: "Log out",
    menu: "Menu",
    terminal: "Terminal",
    notFound: "Page not found",
    live: "Live",
    home: "Back to the start page",
    login: "Go to the login page",
  },
} as const;

async function signedIn(
  browser: Browser,
  who: typeof STUDENT3,
  size: (typeof SIZES)[number],
  locale: Locale,
) {
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await login(page, who);
  await page.request.post("/api/locale", { data: { locale } });
  return { context, page };
}

/** Someone signed out, reading in `locale` (the language cookie). */
async function signedOut(browser: Browser, size: (typeof SIZES)[number], locale: Locale) {
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.request.post("/api/locale", { data: { locale } });
  return { context, page };
}

for (const size of SIZES)
  for (const locale of LOCALES) {
    const phone = size.width < 700;
    const words = WORDS[locale];
    test(`pages fit ${size.width}×${size.height} (${locale})`, async ({ browser }) => {
      test.setTimeout(120_000);
      // Login, signed out.
      const { context: anon, page: loginPage } = await signedOut(browser, size, locale);
      await loginPage.goto("/login");
      await expect(loginPage.locator('button[type="submit"]')).toBeVisible();
      await fits(loginPage, "login");
      await anon.close();

      // Course and lesson, as a student.
      const { context, page } = await signedIn(browser, STUDENT3, size, locale);
      await page.goto("/learn");
      await expect(page.locator(".lessons li").first()).toBeVisible();
      await noSidewaysScroll(page, "course");
      await nothingClipped(page, "course");
      await thumbSized(page, "course");
      // Titles read as lines of words, not a column of single characters.
      for (const title of await page.locator(".lessons .title").all()) {
        const box = (await title.boundingBox())!;
        expect(box.width).toBeGreaterThan(Math.min(400, size.width * 0.6));
      }
      const logout = page.getByRole("button", { name: words.logout });
      if (phone) {
        // The bar is one row: brand and a menu button; the rest is inside the menu.
        const bar = (await page.locator(".topbar").boundingBox())!;
        expect(bar.height).toBeLessThanOrEqual(49);
        await expect(logout).toBeHidden();
        await page.getByRole("button", { name: words.menu }).click();
        await expect(logout).toBeVisible();
        await expect(page.getByRole("button", { name: "English" })).toBeVisible();
        const box = (await logout.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(size.width);
        await shoot(page, "course-menu");
        await nothingClipped(page, "course menu");
        await thumbSized(page, "course menu");
        await page.keyboard.press("Escape");
        await expect(logout).toBeHidden();
      } else {
        await expect(logout).toBeVisible();
        await expect(page.getByRole("button", { name: words.menu })).toBeHidden();
      }
      await shoot(page, "course");

      const lesson = new LessonPage(page);
      // A lesson no other spec finishes for this student, so the board has a step to mark as
      // theirs now (a finished lesson has none, whatever order the specs run in).
      await page.goto("/learn/scale-app");
      await expect(page.locator('.status[data-status="online"]')).toBeAttached();
      await fits(page, "lesson");
      await wholeWords(page, "section.text :is(h1, h2, h3)", "lesson headings");
      // Its "Use your own kubectl" dialog over it.
      await page.getByTestId("own-kubectl").click();
      await expect(page.locator("dialog.ownkubectl")).toBeVisible();
      await fits(page, "lesson-own-kubectl");
      await page.keyboard.press("Escape");
      await expect(page.locator("dialog.ownkubectl")).toBeHidden();
      if (phone) {
        // One pane at a time: the lesson first, the terminal one tap away.
        await expect(page.locator("section.text")).toBeVisible();
        await expect(page.getByTestId("terminal")).toBeHidden();
        await page.getByRole("button", { name: words.terminal, exact: true }).click();
        await expect(page.getByTestId("terminal")).toBeVisible();
        await expect(page.locator("section.text")).toBeHidden();
      } else {
        await expect(page.locator("section.text")).toBeVisible();
        await expect(page.getByTestId("terminal")).toBeVisible();
      }
      await expect.poll(() => lesson.terminalText()).toContain("$");
      // The terminal wraps a long line where its width ends, "1/1" too (read row by row).
      await lesson.runToPrompt("kubectl get pods", /kubernetes-bootcamp-\S+\s+1\/\s*1\s+Running/);
      await fits(page, "lesson-terminal");
      await context.close();

      // The teacher's board and a student's mirror.
      const teacher = await signedIn(browser, TEACHER, size, locale);
      await teacher.page.goto("/teach");
      await expect(teacher.page.getByTestId("board")).toBeVisible();
      await noSidewaysScroll(teacher.page, "teacher board");
      await nothingClipped(teacher.page, "teacher board");
      await thumbSized(teacher.page, "teacher board");
      // A lesson's title over its steps breaks between words, in Japanese too.
      await wholeWords(teacher.page, ".board .lessoncol", "the board's lesson titles");
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
      // Live or not, said in words (it was a bare dot in the heading).
      await expect(teacher.page.locator('main .who[data-live="true"]')).toHaveText(`● ${words.live}`);
      await fits(teacher.page, "mirror");
      await teacher.context.close();
    });
  }

test("the lesson/terminal divider drags, moves by keyboard, and is remembered", async ({ browser }) => {
  const { context, page } = await signedIn(browser, STUDENT3, SIZES[0], "en");
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
  // The narrowest lesson column still shows all of the lesson: its actions, steps and code.
  await nothingClipped(page, "the lesson at its narrowest");
  await shoot(page, "lesson-narrowest");
  // Its headings break between words ("Troubleshooting / with kubectl"), never inside one.
  await wholeWords(page, "section.text :is(h1, h2, h3)", "the lesson's headings at its narrowest");
  // The lesson's drawing keeps its lines there (it scrolls in its own box).
  await page.locator("section.text pre:has(> code.language-text)").scrollIntoViewIfNeeded();
  await shoot(page, "lesson-narrowest-drawing");
  await page.reload();
  await expect(divider).toHaveAttribute("aria-valuenow", "20");
  // The terminal still works at its new size.
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  await lesson.runToPrompt("echo still-here", /\nstill-here/);
  // Japanese headings at the narrowest too: between phrases, not inside a word.
  await page.request.post("/api/locale", { data: { locale: "ja" } });
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  await expect(page.getByRole("separator")).toHaveAttribute("aria-valuenow", "20");
  await wholeWords(page, "section.text :is(h1, h2, h3)", "the lesson's Japanese headings at its narrowest");
  // A "Step 3:" heading (Latin, then Japanese) and the step titles: バージョン, アクセス whole.
  await page.goto("/learn/update-app");
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  await expect(page.getByRole("separator")).toHaveAttribute("aria-valuenow", "20");
  await wholeWords(
    page,
    "section.text :is(h1, h2, h3), .steps a",
    "update-app's Japanese headings and steps",
  );
  await context.close();
});

const ADMIN = { email: "admin@example.com", password: "admin-e2e-password" };

/** `/no-such-page`: a 404 whose page says so in the reader's words and links back to the start. */
async function notFound(page: Page, words: (typeof WORDS)[Locale], name: string, back: string) {
  const answer = await page.goto("/no-such-page");
  expect(answer?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: words.notFound })).toBeVisible();
  await expect(page.getByRole("link", { name: back })).toHaveAttribute("href", "/");
  await fits(page, name);
}

/** The pages the test above does not reach: a class's pages, account, join, admin. */
for (const size of SIZES)
  for (const locale of LOCALES) {
    test(`classroom pages fit ${size.width}×${size.height} (${locale})`, async ({ browser }) => {
      test.setTimeout(120_000);
      const words = WORDS[locale];
      const teacher = await signedIn(browser, TEACHER, size, locale);
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
        // The live session's links (a student's "Replay") are tapped as its buttons are.
        if (sub === "live") await thumbSized(page, "class-live", true);
        if (sub === "gradebook") {
          // A grade's breakdown, step by step.
          await page.locator(".scorebtn").first().click();
          await expect(page.locator(".breakdown table")).toBeVisible();
          await noSidewaysScroll(page, "grade breakdown");
          await page.locator(".breakdown").screenshot({ path: await shotPath(page, "class-grade") });
          await nothingClipped(page, "grade breakdown");
        }
      }
      await visit(page, "/account", "account", page.locator("main h1"));
      await teacher.context.close();

      // A class's join page as someone signed out sees it, and a reset link that is not valid.
      const { context: anon, page: join } = await signedOut(browser, size, locale);
      expect(code, "the class shows its join code").toBeTruthy();
      await visit(join, `/join/${encodeURIComponent(code!)}`, "join");
      await visit(join, "/account/set-password?token=not-a-token", "set-password");
      // An address that leads nowhere: said in the reader's language, with the way on.
      await notFound(join, words, "not-found-signed-out", words.login);
      await anon.close();

      // A student: a page that is not there (under the site's bar), and a class page not theirs.
      const student = await signedIn(browser, STUDENT3, size, locale);
      await notFound(student.page, words, "not-found", words.home);
      await expect(student.page.locator(".topbar")).toBeVisible();
      await visit(student.page, classHref!, "forbidden", student.page.getByTestId("refusal"));
      await expect(student.page.getByRole("link", { name: words.home })).toHaveAttribute("href", "/");
      await student.context.close();

      const admin = await signedIn(browser, ADMIN, size, locale);
      await visit(admin.page, "/admin", "admin", admin.page.getByTestId("users"));
      await admin.context.close();
    });
  }

/**
 * A table wider than a phone (`scroller` its box) scrolls inside that box with a cue, the page
 * not at all: the line above it says so, the box takes focus, and scrolled to its far end the
 * last column (`last`) is on the screen with the row's name (`name`, kept at the left) beside it,
 * not under it.
 */
async function scrollsInItsBox(page: Page, scroller: Locator, name: Locator, last: Locator, what: string) {
  const width = page.viewportSize()!.width;
  await noSidewaysScroll(page, what);
  await expect(scroller, `${what}: a box of its own that scrolls`).toBeVisible();
  expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth), `${what} is wider`).toBe(true);
  await expect(page.getByTestId("scroll-hint"), `${what}: the line that says it scrolls`).toBeVisible();
  await expect(scroller).toHaveAttribute("tabindex", "0");
  await shoot(page, what);
  await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  await expect
    .poll(
      async () => {
        const box = await last.boundingBox();
        return !!box && box.x >= 0 && box.x + box.width <= width + 1;
      },
      { message: `${what}: the last column, scrolled to` },
    )
    .toBe(true);
  const n = (await name.boundingBox())!;
  const l = (await last.boundingBox())!;
  expect(n.x, `${what}: the name stays on the screen`).toBeGreaterThanOrEqual(0);
  expect(n.x + n.width, `${what}: the name is beside the last column`).toBeLessThanOrEqual(l.x + 1);
  await shoot(page, `${what}-end`);
  await nothingClipped(page, what);
}

test("on a phone the gradebook and the board scroll in their own box, say so, and keep the names in view", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  for (const size of [SIZES[1], SIZES[2]]) {
    const { context, page } = await signedIn(browser, TEACHER, size, "en");
    await page.goto("/classes");
    const classHref = await page
      .locator("main a[href^='/classes/']")
      .evaluateAll((as) =>
        as.map((a) => a.getAttribute("href") ?? "").find((h) => /^\/classes\/[^/]+$/.test(h)),
      );
    expect(classHref, "a class of the demo teacher").toBeTruthy();
    // Three assignments: more columns than a phone holds (the two added are removed at the end).
    const added: string[] = [];
    try {
      for (const [title, lesson] of [
        ["Expose your app publicly", "expose-app"],
        ["Scale your app", "scale-app"],
      ]) {
        const r = await page.request.post(`/api${classHref}/assignments`, {
          data: { title, lessonIds: [lesson], opensAt: "2026-01-01T09:00", dueAt: "2036-01-01T09:00" },
        });
        expect(r.ok(), await r.text()).toBe(true);
        added.push(((await r.json()) as { id: string }).id);
      }
      await page.goto(`${classHref}/gradebook`);
      const book = page.getByTestId("gradebook");
      await expect(book).toBeVisible();
      await scrollsInItsBox(
        page,
        page.getByRole("region", { name: "Gradebook" }),
        book.locator("tbody tr").first().locator("th"),
        book.locator("thead th").last(),
        `gradebook-phone-${size.width}`,
      );
      await expect(book.locator("thead th").last()).toHaveText(/Total/);
    } finally {
      for (const id of added) await page.request.delete(`/api/assignments/${id}`);
    }

    await page.goto(`${classHref}/board`);
    const board = page.getByTestId("board");
    await expect(board.locator("tbody tr").first()).toBeVisible();
    await scrollsInItsBox(
      page,
      page.getByRole("region", { name: "Progress board" }),
      board.locator("tbody tr").first().locator("th"),
      board.locator("thead tr").nth(1).locator("th").last(),
      `board-phone-${size.width}`,
    );
    await context.close();
  }
});
