/**
 * The classroom story (issue 8): an admin invites a teacher; the teacher creates a class and an
 * assignment; two students join through the join link and a roster import; both work part of
 * "Pods and Nodes" before the due time and one of them more after it; the gradebook shows the
 * partial and late scores; the CSV export matches the database. Every classroom route refuses a
 * student, another class's teacher and an anonymous caller.
 *
 * The due time is moved to "now" through the database between the two halves of the work (a
 * test-only clock), so nothing sleeps.
 */
import { type APIRequestContext, type Browser, expect, type Page, test } from "@playwright/test";
import { parse } from "csv-parse/sync";
import pg from "pg";
import { e2eDatabaseUrl, LessonPage, login, STUDENT1, TEACHER } from "./pages";

const ADMIN = { email: "admin@example.com", password: "admin-e2e-password" };
/** The roster-imported student of the story (the demo students' clusters belong to other specs). */
const BABA = { email: "baba@example.com", password: "baba-password" };
const POD = /kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}/;

// Long steps on a shared, busy machine: the story types into real terminals in several browsers.
test.describe.configure({ mode: "serial", timeout: 240_000 });

function database(): pg.Client {
  return new pg.Client({ connectionString: e2eDatabaseUrl() });
}

async function sql<T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = database();
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}

async function fresh(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.request.post("/api/locale", { data: { locale: "en" } });
  return page;
}

/** Opens a one-time link and chooses a password; the page signs in and goes home. */
async function setPassword(page: Page, link: string, password: string): Promise<void> {
  await page.goto(new URL(link).pathname + new URL(link).search);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('input[name="again"]').fill(password);
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/account"));
}

async function doCheckApp(lesson: LessonPage): Promise<string> {
  await lesson.open("pods-and-nodes");
  const out = await lesson.runToPrompt("kubectl get pods", /Running/);
  await lesson.runToPrompt("kubectl describe pods", /Events:/);
  await lesson.expectDone("check-app");
  const pod = POD.exec(out)?.[0];
  expect(pod).toBeTruthy();
  return pod ?? "";
}

const story = {
  classId: "",
  assignmentId: "",
  joinLink: "",
  teacherPassword: "teacher2-password",
};

test("admin invites a teacher, who creates a class with a join link and an assignment", async ({
  browser,
}) => {
  const admin = await fresh(browser);
  await login(admin, ADMIN);
  await admin.goto("/admin");
  await admin.getByLabel("Name").fill("Kobayashi Sensei");
  await admin.getByLabel("Email").fill("kobayashi@example.com");
  await admin.getByRole("button", { name: "Invite" }).click();
  const issued = admin.getByTestId("issued");
  await expect(issued).toContainText("No mail server is configured");
  const invite = (await issued.getByTestId("link").textContent()) ?? "";
  expect(invite).toMatch(/\/account\/set-password\?token=/);
  await expect(admin.locator('tr[data-email="kobayashi@example.com"]')).toContainText("Invited");

  const teacher = await fresh(browser);
  await setPassword(teacher, invite, story.teacherPassword);
  // The link is used up.
  await teacher.goto(new URL(invite).pathname + new URL(invite).search);
  await expect(teacher.locator(".error[role=alert]")).toContainText("expired or was already used");

  await teacher.goto("/classes");
  await teacher.getByLabel("Name").fill("Cloud Native 2026");
  await teacher.getByLabel("Term (optional)").fill("2026 Autumn");
  await teacher.getByLabel("Time zone").fill("Asia/Tokyo");
  await teacher.getByRole("button", { name: "Create class" }).click();
  await teacher.waitForURL(/\/classes\/[^/]+$/);
  story.classId = teacher.url().split("/").pop() ?? "";
  await expect(teacher.getByTestId("class-name")).toHaveText("Cloud Native 2026");
  await expect(teacher.getByTestId("join-code")).toHaveText(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  story.joinLink = (await teacher.getByTestId("join").getByTestId("link").textContent()) ?? "";
  expect(story.joinLink).toMatch(/\/join\/[A-Z2-9]{8}$/);
  await expect(teacher.locator("img.qr")).toBeVisible();
  expect(
    await teacher.locator("img.qr").evaluate((img: HTMLImageElement) => img.naturalWidth),
  ).toBeGreaterThan(0);

  await teacher.getByLabel("Title").fill("Pods and Nodes");
  await teacher.getByLabel(/3\. /).first().check();
  await teacher.getByLabel("Late completions").selectOption("PENALTY");
  await teacher.getByLabel("Penalty %").fill("50");
  await teacher.getByRole("button", { name: "Assign" }).click();
  await expect(teacher.getByTestId("assignments")).toContainText("Pods and Nodes");
  await expect(teacher.getByTestId("assignments")).toContainText("Late work: −50 %");
  const [a] = await sql<{ id: string; dueAt: Date }>(
    `SELECT id, "dueAt" FROM "Assignment" WHERE "classId" = $1`,
    [story.classId],
  );
  story.assignmentId = a?.id ?? "";
  expect(story.assignmentId).not.toBe("");
  await admin.context().close();
  await teacher.context().close();
});

test("two students join (link, roster import), work before and after the due time; gradebook and CSV agree with the database", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const teacher = await fresh(browser);
  await login(teacher, { email: "kobayashi@example.com", password: story.teacherPassword });

  // Student A signs up through the join link.
  const a = await fresh(browser);
  await a.goto(new URL(story.joinLink).pathname);
  await expect(a.getByTestId("join-class")).toHaveText("Cloud Native 2026");
  await a.getByLabel("Name").fill("Aoki Mei");
  await a.getByLabel("Email").fill("aoki@example.com");
  await a.getByLabel("Password (8 characters or more)").fill("aoki-password");
  await a.getByRole("button", { name: "Sign up and join" }).click();
  await a.waitForURL("**/learn");
  await expect(a.getByTestId("my-assignments")).toContainText("Pods and Nodes");

  // Student B comes through a roster import; a bad file imports nothing.
  await teacher.goto(`/classes/${story.classId}`);
  await teacher.getByText("Import a roster (CSV)").click();
  await teacher
    .getByLabel("CSV text")
    .fill("name,email,student number\nBaba Jun,baba@example.com,S042\nBad,not-an-email\n");
  await teacher.getByRole("button", { name: "Preview" }).click();
  const report = teacher.getByTestId("roster-report");
  await expect(report.locator('tr[data-action="rejected"]')).toContainText(
    "bad e-mail: not an e-mail address",
  );
  await expect(teacher.getByRole("button", { name: "Import" })).toBeDisabled();
  await teacher.getByLabel("CSV text").fill("name,email,student number\nBaba Jun,baba@example.com,S042\n");
  await teacher.getByRole("button", { name: "Preview" }).click();
  await expect(report.locator('tr[data-action="create-and-invite"]')).toContainText(
    "New account: will be invited",
  );
  await teacher.getByRole("button", { name: "Import" }).click();
  await expect(teacher.getByText("Imported 1 rows.")).toBeVisible();
  const rosterLink = (await report.getByTestId("link").textContent()) ?? "";
  await expect(teacher.getByTestId("students")).toContainText("baba@example.com");
  await expect(teacher.getByTestId("students")).toContainText("aoki@example.com");

  const b = await fresh(browser);
  await setPassword(b, rosterLink, "baba-password");
  await b.goto("/learn");
  await expect(b.getByTestId("my-assignments")).toContainText("Pods and Nodes");

  // Before the due time: both finish step 1.
  const lessonA = new LessonPage(a);
  const pod = await doCheckApp(lessonA);
  await doCheckApp(new LessonPage(b));

  // The due time passes (the test's clock: the assignment's due time is set to now).
  await sql(`UPDATE "Assignment" SET "dueAt" = $2 WHERE id = $1`, [story.assignmentId, new Date()]);

  // After it: A finishes "view logs" late.
  await lessonA.runToPrompt(`kubectl logs ${pod}`, /Kubernetes Bootcamp App Started/);
  await lessonA.expectDone("view-logs");

  // A: step 1 on time + 1 late step at −50 % = 1.5 of 4 = 37.5; B: 1 of 4 = 25.
  await teacher.goto(`/classes/${story.classId}/gradebook`);
  const book = teacher.getByTestId("gradebook");
  const score = (email: string) => book.locator(`tr[data-email="${email}"] .scorebtn`);
  await expect(score("aoki@example.com")).toHaveText("37.5");
  await expect(score("baba@example.com")).toHaveText("25.0");
  await expect(book.locator('tr[data-email="aoki@example.com"]')).toContainText("1 late");

  await score("aoki@example.com").click();
  const breakdown = teacher.getByTestId("breakdown");
  await expect(breakdown.locator('tr[data-status="late"]')).toHaveCount(1);
  await expect(breakdown.locator('tr[data-step="pods-and-nodes/view-logs"]')).toContainText("Late");
  await expect(breakdown.locator('tr[data-step="pods-and-nodes/check-app"]')).toContainText("On time");
  await teacher.screenshot({ path: "test-results/gradebook-breakdown.png", fullPage: true });

  // An override with a comment, recorded with who and when.
  await score("baba@example.com").click();
  await breakdown.getByLabel("Grade (0–100)").fill("30");
  await breakdown.getByLabel("Comment (required)").fill("Showed step 2 in class");
  await breakdown.getByRole("button", { name: "Set grade" }).click();
  await expect(score("baba@example.com")).toHaveText("30.0");
  const [o] = await sql<{ score: number; comment: string; name: string }>(
    `SELECT o.score, o.comment, u.name FROM "GradeOverride" o JOIN "User" u ON u.id = o."byId" WHERE o."assignmentId" = $1`,
    [story.assignmentId],
  );
  expect(o).toEqual({ score: 30, comment: "Showed step 2 in class", name: "Kobayashi Sensei" });

  // Filter and sort.
  await teacher.getByTestId("filter").fill("S042");
  await expect(book.locator("tbody tr")).toHaveCount(1);
  await teacher.getByTestId("filter").fill("");
  await book.getByRole("button", { name: /^Total/ }).click();
  await expect(book.locator("tbody tr").first()).toHaveAttribute("data-email", "aoki@example.com");

  // The CSV export: BOM, one row per student, equal to the database.
  const res = await teacher.request.get(`/api/classes/${story.classId}/export`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  const bytes = await res.body();
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = parse(bytes.toString("utf8"), { bom: true }) as string[][];
  expect(rows[0]).toEqual(["Name", "Email", "Student number", "Pods and Nodes", "Total"]);
  const enrolled = await sql<{ name: string; email: string; number: string | null }>(
    `SELECT u.name, u.email, e."studentNumber" AS number FROM "Enrollment" e JOIN "User" u ON u.id = e."userId"
     WHERE e."classId" = $1 ORDER BY u.name`,
    [story.classId],
  );
  const steps = await sql<{ email: string; stepId: string; late: boolean }>(
    `SELECT u.email, p."stepId", p."completedAt" > a."dueAt" AS late
     FROM "StepProgress" p JOIN "User" u ON u.id = p."userId"
     JOIN "Enrollment" e ON e."userId" = p."userId" JOIN "Assignment" a ON a."classId" = e."classId"
     WHERE a.id = $1 AND p."lessonId" = 'pods-and-nodes' AND p."completedAt" IS NOT NULL`,
    [story.assignmentId],
  );
  // From the database: 4 steps, late ones at half credit, the override replacing B's.
  const expected = enrolled.map((s) => {
    const mine = steps.filter((x) => x.email === s.email);
    const computed = (100 * mine.reduce((n, x) => n + (x.late ? 0.5 : 1), 0)) / 4;
    const value = s.email === "baba@example.com" ? (o?.score ?? computed) : computed;
    return [s.name, s.email, s.number ?? "", value.toFixed(1), value.toFixed(1)];
  });
  expect(rows.slice(1).sort()).toEqual(expected.sort());
  expect(expected.map((r) => r[3]).sort()).toEqual(["30.0", "37.5"]);

  // The class page and the gradebook for the README (1280 × 800).
  await teacher.goto(`/classes/${story.classId}`);
  await teacher.screenshot({ path: "test-results/class-page.png" });
  await teacher.goto(`/classes/${story.classId}/gradebook`);
  await score("aoki@example.com").click();
  await teacher.screenshot({ path: "test-results/gradebook.png" });
  if (process.env.UPDATE_SCREENSHOTS) {
    await teacher.goto(`/classes/${story.classId}`);
    await teacher.screenshot({ path: "docs/screenshots/class.png" });
    await teacher.goto(`/classes/${story.classId}/gradebook`);
    await score("aoki@example.com").click();
    await teacher.screenshot({ path: "docs/screenshots/gradebook.png" });
  }
  for (const p of [teacher, a, b]) await p.context().close();
});

/** Every classroom route, called as someone who may not: refused with a clear message and no data. */
test("every classroom route refuses a student, another class's teacher and an anonymous caller", async ({
  browser,
  playwright,
}) => {
  const base = test.info().project.use.baseURL ?? "";
  // API errors are said in the caller's language: English here (the locale cookie), Japanese
  // for a caller who chose nothing (the product's default language).
  const anon = await playwright.request.newContext({
    baseURL: base,
    extraHTTPHeaders: { cookie: "kubeclass-locale=en" },
  });
  const anonJa = await playwright.request.newContext({ baseURL: base });
  const refusedJa = await anonJa.get(`/api/classes/${story.classId}`);
  expect(refusedJa.status()).toBe(401);
  expect(((await refusedJa.json()) as { error: string }).error).toBe("先にログインしてください。");
  await anonJa.dispose();
  const student = await fresh(browser);
  await login(student, STUDENT1);
  const other = await fresh(browser);
  await login(other, TEACHER);
  const c = story.classId;
  const routes: Array<{ method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE"; path: string; data?: unknown }> =
    [
      { method: "GET", path: `/api/classes/${c}` },
      { method: "PATCH", path: `/api/classes/${c}`, data: { joinOpen: false } },
      { method: "PATCH", path: `/api/classes/${c}`, data: { regenerateCode: true } },
      { method: "DELETE", path: `/api/classes/${c}/students/someone` },
      { method: "POST", path: `/api/classes/${c}/roster`, data: { csv: "X,x@example.com" } },
      { method: "POST", path: `/api/classes/${c}/roster`, data: { csv: "X,x@example.com", commit: true } },
      { method: "POST", path: `/api/classes/${c}/assignments`, data: { title: "x" } },
      { method: "GET", path: `/api/classes/${c}/gradebook` },
      { method: "GET", path: `/api/classes/${c}/export` },
      { method: "PUT", path: `/api/assignments/${story.assignmentId}`, data: { title: "x" } },
      { method: "DELETE", path: `/api/assignments/${story.assignmentId}` },
      {
        method: "POST",
        path: `/api/assignments/${story.assignmentId}/overrides`,
        data: { userId: "x", score: 1, comment: "x" },
      },
    ];
  const adminOnly: typeof routes = [
    { method: "GET", path: "/api/admin/users" },
    { method: "POST", path: "/api/admin/users", data: { email: "x@example.com", name: "X", role: "ADMIN" } },
    { method: "POST", path: "/api/admin/users/someone", data: { action: "disable" } },
  ];
  const send = (r: APIRequestContext, x: (typeof routes)[number]) =>
    r.fetch(x.path, { method: x.method, data: x.data === undefined ? undefined : x.data });
  const callers: Array<[string, APIRequestContext, number, RegExp]> = [
    ["anonymous", anon, 401, /^Sign in first\.$/],
    [
      "student",
      student.request,
      403,
      /^Only (this class's )?teachers? can do this\.$|^Only this class's teacher can do this\.$/,
    ],
    ["other teacher", other.request, 403, /^Only this class's teacher can do this\.$/],
  ];
  for (const [who, r, status, message] of callers) {
    for (const route of routes) {
      const res = await send(r, route);
      expect(res.status(), `${route.method} ${route.path} as ${who}`).toBe(status);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort(), `${route.method} ${route.path} as ${who}`).toEqual(["code", "error"]);
      expect(String(body.error)).toMatch(message);
    }
    for (const route of adminOnly) {
      const res = await send(r, route);
      expect(res.status(), `${route.method} ${route.path} as ${who}`).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /^Sign in first\.$|^Only an administrator can do this\.$/,
      );
    }
  }
  // Nothing changed.
  const [cls] = await sql<{ joinOpen: boolean; n: string }>(
    `SELECT c."joinOpen", (SELECT count(*) FROM "Assignment" a WHERE a."classId" = c.id) AS n FROM "Classroom" c WHERE c.id = $1`,
    [c],
  );
  expect(cls).toEqual({ joinOpen: true, n: "1" });

  // Pages: a student and another teacher read a refusal and no class data; anonymous goes to login.
  for (const [page, text] of [
    [student, "Only this class's teacher can open this page."],
    [other, "Only this class's teacher can open this page."],
  ] as const) {
    for (const path of [`/classes/${c}`, `/classes/${c}/gradebook`, `/classes/${c}/board`]) {
      await page.goto(path);
      await expect(page.getByTestId("refusal")).toHaveText(text);
      await expect(page.locator("body")).not.toContainText("Cloud Native 2026");
    }
  }
  await student.goto("/admin");
  await expect(student.getByTestId("refusal")).toHaveText("Only administrators can open this page.");
  await student.goto("/classes");
  await expect(student.getByTestId("refusal")).toHaveText("Only teachers can open this page.");
  const anonPage = await fresh(browser);
  await anonPage.goto(`/classes/${c}/gradebook`);
  await expect(anonPage).toHaveURL(/\/login/);
  await anon.dispose();
  for (const p of [student, other, anonPage]) await p.context().close();
});

test("an admin disables a student: their open terminal is disconnected at once and they cannot log in", async ({
  browser,
}) => {
  const student = await fresh(browser);
  await login(student, BABA);
  const lesson = new LessonPage(student);
  await lesson.open("pods-and-nodes");

  const admin = await fresh(browser);
  await login(admin, ADMIN);
  await admin.goto("/admin");
  const row = admin.locator('tr[data-email="baba@example.com"]');
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("Disabled");
  await expect(student.locator(".status")).toHaveAttribute("data-status", "offline");

  const again = await fresh(browser);
  await again.goto("/login");
  await again.locator('input[name="email"]').fill(BABA.email);
  await again.locator('input[name="password"]').fill(BABA.password);
  await again.locator('button[type="submit"]').click();
  await expect(again.locator(".error[role=alert]")).toHaveText(/not correct/);

  // Enabled again, the account works as before.
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row).toContainText("Active");
  await login(again, BABA);
  for (const p of [student, admin, again]) await p.context().close();
});
