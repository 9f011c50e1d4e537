/** Page objects for the specs. */
import { type Browser, type BrowserContext, expect, type Page } from "@playwright/test";

export const STUDENT1 = { email: "student1@example.com", password: "student-demo" };
export const STUDENT2 = { email: "student2@example.com", password: "student-demo" };
export const TEACHER = { email: "teacher@example.com", password: "teacher-demo" };

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

export class LessonPage {
  constructor(readonly page: Page) {}

  async open(lessonId: string): Promise<void> {
    await this.page.goto(`/learn/${lessonId}`);
    await expect(this.page.locator('.status[data-status="online"]')).toBeVisible();
    await expect.poll(() => this.terminalText()).toContain("$");
  }

  /** Everything the active terminal shows (xterm's accessible buffer rows). */
  async terminalText(): Promise<string> {
    await this.page.waitForSelector(".xterm-rows");
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

  step(id: string) {
    return this.page.locator(`[data-step="${id}"]`);
  }
}
