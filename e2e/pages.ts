/** Page objects for the specs. */
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";

/**
 * The database of the server this spec runs against (playwright.config.ts: each server has its
 * own, created by `npm test`); call it inside a test.
 */
export function e2eDatabaseUrl(): string {
  const url = test.info().project.metadata.databaseUrl as string | undefined;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run the specs with `npm run test:e2e`");
  return url;
}

export const STUDENT1 = { email: "student1@example.com", password: "student-demo" };
export const STUDENT2 = { email: "student2@example.com", password: "student-demo" };
export const STUDENT3 = { email: "student3@example.com", password: "student-demo" };
export const TEACHER = { email: "teacher@example.com", password: "teacher-demo" };

/** Fails when the page is wider than its window (text cut off or scrolling sideways). */
export async function noSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const el = document.scrollingElement!;
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
  });
  expect(scrollWidth, `${what} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
}

export async function login(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto("/login");
  await page.locator('input[name="email"]').fill(who.email);
  await page.locator('input[name="password"]').fill(who.password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

export async function newStudent(
  browser: Browser,
  who: { email: string; password: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, who);
  return { context, page };
}

/** Where `head` was last typed after a prompt (`$ ` or `# `), not merely printed; -1 if not shown. */
function typedAt(text: string, head: string): number {
  for (let at = text.lastIndexOf(head); at >= 0; at = at > 0 ? text.lastIndexOf(head, at - 1) : -1)
    if (/[$#]\s$/.test(text.slice(Math.max(0, at - 2), at))) return at;
  return -1;
}

export class LessonPage {
  constructor(readonly page: Page) {}

  async open(lessonId: string): Promise<void> {
    await this.page.goto(`/learn/${lessonId}`);
    await expect(this.page.locator('.status[data-status="online"]')).toBeVisible();
    await expect.poll(() => this.terminalText()).toContain("$");
  }

  /** Everything the active terminal shows (xterm's accessible buffer rows). */
  async terminalText(): Promise<string> {
    // `attached`: with several tabs the first terminal in the DOM may be a hidden one.
    await this.page.waitForSelector(".xterm-rows", { state: "attached" });
    return this.page.evaluate(() => {
      const tabs = [...document.querySelectorAll<HTMLElement>(".xterm-tab")];
      const visible = tabs.find((t) => t.style.display !== "none") ?? tabs[0];
      return [...(visible?.querySelectorAll(".xterm-rows > div") ?? [])]
        .map((r) => r.textContent ?? "")
        .join("\n");
    });
  }

  async type(line: string): Promise<void> {
    await this.page.locator(".xterm-tab:visible .xterm-helper-textarea").focus();
    await this.page.keyboard.type(line, { delay: 5 });
    await this.page.keyboard.press("Enter");
  }

  /** Types a line and waits until the terminal shows text matching `expected`. */
  async run(line: string, expected: RegExp): Promise<string> {
    await this.type(line);
    await expect.poll(() => this.terminalText(), { timeout: 15_000 }).toMatch(expected);
    return this.terminalText();
  }

  /**
   * Types a line and waits until what the terminal printed *after* that line matches `expected`
   * (earlier output of the same command does not count). Returns that output.
   */
  async runFresh(line: string, expected: RegExp, timeout = 15_000): Promise<string> {
    const head = line.slice(0, 24);
    const before = await this.terminalText();
    await this.type(line);
    let after = "";
    await expect
      .poll(
        async () => {
          const text = await this.terminalText();
          const at = typedAt(text, head);
          // A long output scrolls the line itself out of view: then all that is shown is new.
          after = at >= 0 ? text.slice(at + head.length) : text !== before ? text : "";
          return after;
        },
        { timeout, message: `output of \`${line}\`` },
      )
      .toMatch(expected);
    return after;
  }

  /** Waits until the active tab shows a fresh prompt after `line` (the command has finished). */
  async runToPrompt(line: string, expected: RegExp = /[\s\S]*/, timeout = 15_000): Promise<string> {
    return this.runFresh(line, new RegExp(`${expected.source}[\\s\\S]*\\$\\s*$`), timeout);
  }

  /**
   * "Reset this lesson" (either language), confirmed: the cluster goes back to the lesson's
   * start state and the terminal shows one fresh prompt. Specs that need the start state use it
   * instead of relying on what earlier specs left in a demo student's workspace.
   */
  async reset(): Promise<void> {
    this.page.once("dialog", (d) => void d.accept());
    await this.page.getByRole("button", { name: /^(Reset this lesson|このレッスンをリセット)$/ }).click();
    await expect.poll(() => this.terminalText()).toMatch(/^\S+@minikube:~\$\s*$/);
  }

  /** Opens a new terminal tab with the "+" button; it becomes the active tab. */
  async newTab(): Promise<void> {
    const before = await this.page.getByRole("tab").count();
    await this.page.locator(".tabs button:not([role=tab])").click();
    await expect(this.page.getByRole("tab")).toHaveCount(before + 1);
    await expect(this.page.getByRole("tab").last()).toHaveAttribute("aria-selected", "true");
    await expect.poll(() => this.terminalText()).toContain("$");
  }

  async selectTab(n: number): Promise<void> {
    const tab = this.page.getByRole("tab", { name: new RegExp(`(タブ|Tab) ${n}$`) });
    await tab.click();
    await expect(tab).toHaveAttribute("aria-selected", "true");
  }

  step(id: string) {
    return this.page.locator(`[data-step="${id}"]`);
  }

  async expectDone(id: string): Promise<void> {
    await expect(this.step(id)).toHaveAttribute("data-state", "done", { timeout: 20_000 });
  }
}

/** Switches the UI language through the topbar's switch (a full reload follows). */
export async function switchLanguage(page: Page, to: "ja" | "en"): Promise<void> {
  const name = to === "ja" ? "日本語" : "English";
  await page.getByRole("button", { name, exact: true }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", to);
}
