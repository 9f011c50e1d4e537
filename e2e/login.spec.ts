/**
 * The login form checks what it can before sending anything: an empty or malformed form gets a
 * message about that field, not the server's "wrong email or password".
 */
import { expect, test } from "@playwright/test";
import { STUDENT1 } from "./pages";

test("an empty or malformed login form is answered by the form, and nothing is sent", async ({ page }) => {
  const sent: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/auth/callback/credentials")) sent.push(r.url());
  });
  await page.goto("/login");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  const email = page.locator('input[name="email"]');
  const password = page.locator('input[name="password"]');
  const submit = page.locator('button[type="submit"]');
  const alert = page.locator(".error[role=alert]");

  await submit.click();
  await expect(alert).toHaveText("Enter your email address.");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toBeFocused();

  await email.fill("student1");
  await password.fill("student-demo");
  await submit.click();
  await expect(alert).toHaveText(/complete email address/);
  await expect(email).toHaveAttribute("aria-invalid", "true");

  await email.fill(STUDENT1.email);
  await password.fill("");
  await submit.click();
  await expect(alert).toHaveText("Enter your password.");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toBeFocused();
  expect(sent).toEqual([]);

  // Filled in properly, the form is sent and the student is in.
  await password.fill(STUDENT1.password);
  await submit.click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  expect(sent).toHaveLength(1);
});

test("before the page's script runs, the form cannot be sent: no password ends up in the address", async ({
  browser,
}) => {
  // a slow phone's first second, made permanent: the page as the server sent it, no script
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.locator('input[name="email"]').fill(STUDENT1.email);
  await page.locator('input[name="password"]').fill("student-demo");
  await expect(page.locator('button[type="submit"]')).toBeDisabled();
  await page.locator('input[name="password"]').press("Enter");
  await page.waitForTimeout(500);
  expect(page.url()).not.toContain("password");
  await context.close();
});
