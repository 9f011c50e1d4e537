/**
 * Issue D in the browser: a student works through modules 2, 3 and 6 in the Japanese UI by typing
 * into the terminal; every step is ticked, Postgres holds the completions and the teacher's
 * progress board (a second browser context) ticks them live, without a reload. Then the lesson
 * page as a user meets it: both languages, copy-to-terminal, hint, solution (counted), reset.
 */
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import pg from "pg";
import { e2eDatabaseUrl, LessonPage, login, newStudent, STUDENT3, switchLanguage, TEACHER } from "./pages";

const COURSE = "kubernetes-basics";
const WHO = STUDENT3;
const POD = /kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}/;
const GET_POD_NAME = `export POD_NAME=$(kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}')`;

/** Steps of each lesson, in order (as lesson.yaml lists them). */
const LESSONS = {
  "deploy-app": ["create-deployment", "get-deployments", "proxy", "pod-via-proxy"],
  "pods-and-nodes": ["check-app", "view-app", "view-logs", "exec"],
  "update-app": ["update-v2", "verify-v2", "bad-update", "rollback"],
} as const;

async function sql<T extends Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

async function stepRows(email: string) {
  return sql<{ lessonId: string; stepId: string; completedAt: Date | null; solutionShown: boolean }>(
    `SELECT p."lessonId", p."stepId", p."completedAt", p."solutionShown"
       FROM "StepProgress" p JOIN "User" u ON u.id = p."userId"
      WHERE u.email = $1 AND p."courseSlug" = $2`,
    [email, COURSE],
  );
}

/** The teacher's board, opened once and never reloaded while the student works. */
class Board {
  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(browser: import("@playwright/test").Browser): Promise<Board> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await login(page, TEACHER);
    await page.goto("/teach");
    await expect(page.locator('.who[data-live="true"]')).toBeVisible();
    // A marker that a reload would wipe: the ticks must arrive over the socket.
    await page.evaluate(() => {
      (window as unknown as { __noReload?: boolean }).__noReload = true;
    });
    return new Board(context, page);
  }

  cell(lessonId: string, stepId: string) {
    return this.page.locator(`tr[data-student="${WHO.email}"] td[data-cell="${lessonId}/${stepId}"]`);
  }

  async expectTicked(lessonId: string, stepId: string): Promise<void> {
    await expect(this.cell(lessonId, stepId)).toHaveAttribute("data-done", "true");
    await expect(this.cell(lessonId, stepId)).toHaveText("✓");
  }

  async expectNotReloaded(): Promise<void> {
    expect(await this.page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(
      true,
    );
  }
}

/** The learner names the pod (POD_NAME) and reaches it through the running `kubectl proxy`. */
async function podThroughProxy(lesson: LessonPage): Promise<void> {
  await lesson.runToPrompt(GET_POD_NAME);
  await lesson.runFresh("echo Name of the Pod: $POD_NAME", POD);
  await lesson.runFresh(
    "curl http://localhost:8001/api/v1/namespaces/default/pods/$POD_NAME:8080/proxy/",
    /Hello Kubernetes bootcamp! \| Running on: kubernetes-bootcamp-\S+ \| v=1/,
  );
}

/** Student and teacher side by side: each completed step is checked in both places. */
async function done(lesson: LessonPage, board: Board, lessonId: string, stepId: string): Promise<void> {
  await lesson.expectDone(stepId);
  await board.expectTicked(lessonId, stepId);
}

let studentPage: Page | undefined;
test.afterEach(async ({ browserName: _ }, info) => {
  if (info.status !== info.expectedStatus && studentPage && !studentPage.isClosed())
    await studentPage.screenshot({ path: `/tmp/course-failure-${info.title.slice(0, 20)}.png` });
});

test("modules 2, 3 and 6 typed in the Japanese terminal; the teacher's board ticks live", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const board = await Board.open(browser);
  for (const [lessonId, steps] of Object.entries(LESSONS))
    for (const s of steps) await expect(board.cell(lessonId, s)).toHaveAttribute("data-done", "false");

  const { context, page } = await newStudent(browser, WHO);
  studentPage = page;
  await page.goto("/learn");
  await switchLanguage(page, "ja"); // student3's own language is English
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kubernetesの基礎");
  const lesson = new LessonPage(page);

  // ── Module 2: deploy the app, reach the API and the Pod through kubectl proxy ──
  await page.locator('a[data-lesson="deploy-app"]').click();
  await page.waitForURL("**/learn/deploy-app");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("アプリケーションをデプロイする");
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  await expect.poll(() => lesson.terminalText()).toContain("$");
  await expect(lesson.step("create-deployment")).toHaveAttribute("data-state", "current");

  await lesson.runFresh(
    "kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1",
    /deployment\.apps\/kubernetes-bootcamp created/,
  );
  await done(lesson, board, "deploy-app", "create-deployment");
  await lesson.runFresh("kubectl get deployments", /kubernetes-bootcamp\s+\d\/1/);
  await done(lesson, board, "deploy-app", "get-deployments");

  await lesson.newTab();
  await lesson.runFresh("kubectl proxy", /Starting to serve on 127\.0\.0\.1:8001/);
  await lesson.selectTab(1);
  await lesson.runFresh("curl http://localhost:8001/version", /"gitVersion": "v1\.\d+\.\d+"/);
  await done(lesson, board, "deploy-app", "proxy");

  // The image pull takes a few (real) seconds; rollout status waits for it like on a real cluster.
  await lesson.runFresh(
    "kubectl rollout status deployment/kubernetes-bootcamp",
    /successfully rolled out/,
    30_000,
  );
  await podThroughProxy(lesson);
  await done(lesson, board, "deploy-app", "pod-via-proxy");
  await expect(page.locator(".banner")).toHaveText("このレッスンのステップをすべて完了しました!");

  // Stop the proxy as the text says (Ctrl-C) so the next lesson can start its own.
  await lesson.selectTab(2);
  await page.keyboard.press("Control+C");
  await expect.poll(() => lesson.terminalText()).toMatch(/\^C[\s\S]*\$\s*$/);

  // ── Module 3: explore the app (second tab for the proxy, logs, a shell in the container) ──
  await page.goto("/learn");
  const m2 = page.locator('a[data-lesson="deploy-app"]');
  await expect(m2).toContainText("復習する");
  await expect(m2.locator(".bar > span")).toHaveAttribute("style", /width: ?100%/);
  await page.locator('a[data-lesson="pods-and-nodes"]').click();
  await page.waitForURL("**/learn/pods-and-nodes");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("PodとNode");
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  await expect(page.getByRole("tab")).toHaveCount(2); // the workstation kept its second tab

  await lesson.runToPrompt("kubectl get pods", /kubernetes-bootcamp-\S+\s+1\/1\s+Running/);
  await lesson.runToPrompt("kubectl describe pods", /Events:/);
  await done(lesson, board, "pods-and-nodes", "check-app");

  await lesson.newTab();
  await lesson.runFresh("kubectl proxy", /Starting to serve on 127\.0\.0\.1:8001/);
  await lesson.selectTab(1);
  await podThroughProxy(lesson);
  await done(lesson, board, "pods-and-nodes", "view-app");

  await lesson.runFresh("kubectl logs $POD_NAME", /Kubernetes Bootcamp App Started At:/);
  await done(lesson, board, "pods-and-nodes", "view-logs");

  await lesson.runFresh("kubectl exec $POD_NAME -- env", /KUBERNETES_SERVICE_HOST=/);
  await lesson.runFresh("kubectl exec -ti $POD_NAME -- bash", /#\s*$/);
  await lesson.runFresh("cat server.js", /server\.listen\(8080[\s\S]*#\s*$/);
  await lesson.runFresh(
    "curl localhost:8080",
    /Hello Kubernetes bootcamp! \| Running on: \S+ \| v=1[\s\S]*#\s*$/,
  );
  await lesson.runFresh("exit", /\$\s*$/);
  await done(lesson, board, "pods-and-nodes", "exec");
  await expect(page.locator(".banner")).toBeVisible();

  // ── Module 6: rolling update, a broken update, rollback — from the `scaled` start state ──
  await page.goto("/learn/update-app");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("アプリケーションを更新する");
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "このレッスンをリセット" }).click();
  await lesson.runToPrompt("kubectl get deployments", /kubernetes-bootcamp\s+4\/4\s+4\s+4/);
  await lesson.runToPrompt("kubectl get pods", /(kubernetes-bootcamp-\S+\s+1\/1\s+Running[\s\S]*){4}/);
  await lesson.runFresh(
    "kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2",
    /deployment\.apps\/kubernetes-bootcamp image updated/,
  );
  await done(lesson, board, "update-app", "update-v2");

  await lesson.runFresh(
    "kubectl rollout status deployments/kubernetes-bootcamp",
    /successfully rolled out/,
    60_000,
  );
  await lesson.runToPrompt(
    `export NODE_PORT="$(kubectl get services/kubernetes-bootcamp -o go-template='{{(index .spec.ports 0).nodePort}}')"`,
  );
  await lesson.runFresh('echo "NODE_PORT=$NODE_PORT"', /NODE_PORT=3\d{4}/);
  await lesson.runFresh(
    'curl http://"$(minikube ip):$NODE_PORT"',
    /Hello Kubernetes bootcamp! \| Running on: \S+ \| v=2/,
  );
  await done(lesson, board, "update-app", "verify-v2");

  await lesson.runFresh(
    "kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10",
    /image updated/,
  );
  await expect
    .poll(async () => lesson.runToPrompt("kubectl get pods", /AGE/), { timeout: 30_000, intervals: [1500] })
    .toMatch(/ErrImagePull|ImagePullBackOff/);
  await done(lesson, board, "update-app", "bad-update");

  await lesson.runFresh("kubectl rollout undo deployments/kubernetes-bootcamp", /rolled back/);
  await done(lesson, board, "update-app", "rollback");
  await expect(page.locator(".banner")).toBeVisible();
  await page.screenshot({ path: "/tmp/course-update-app-ja.png" });

  // ── Postgres holds every completion; the board got them all live ──
  const rows = await stepRows(WHO.email);
  for (const [lessonId, steps] of Object.entries(LESSONS))
    for (const s of steps)
      expect(
        rows.find((r) => r.lessonId === lessonId && r.stepId === s)?.completedAt,
        `${lessonId}/${s}`,
      ).toBeInstanceOf(Date);
  await board.expectNotReloaded();
  await board.page.screenshot({ path: "/tmp/course-teacher-board.png", fullPage: true });
  // …and a reload of the board shows the same from the database.
  await board.page.reload();
  for (const [lessonId, steps] of Object.entries(LESSONS))
    for (const s of steps) await expect(board.cell(lessonId, s)).toHaveAttribute("data-done", "true");

  // The course page shows per-lesson progress.
  await page.goto("/learn");
  expect(await page.locator("a[data-lesson]").count()).toBeGreaterThanOrEqual(6);
  await expect(page.getByTestId("course-progress")).toContainText("12 /");
  for (const id of Object.keys(LESSONS))
    await expect(page.locator(`a[data-lesson="${id}"]`)).toContainText("復習する");
  await expect(page.locator('a[data-lesson="create-cluster"]')).toContainText("はじめる");
  await page.screenshot({ path: "/tmp/course-page-ja.png", fullPage: true });

  await board.context.close();
  await context.close();
});

test("the lesson page as a user meets it: both languages, copy, hint, solution, reset", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const { context, page } = await newStudent(browser, WHO);
  studentPage = page;
  await page.request.post("/api/locale", { data: { locale: "ja" } });
  const lesson = new LessonPage(page);
  await lesson.open("pods-and-nodes");

  // The Markdown renders: headings, code blocks with a copy button each, no raw syntax left over.
  const text = page.locator("section.text");
  await expect(page.locator("#step-check-app h2")).toHaveText("Step 1: アプリケーションの構成を確認する");
  await expect(text).not.toContainText("```");
  await expect(text).not.toContainText("<!--");
  const blocks = page.locator("article pre");
  expect(await blocks.count()).toBeGreaterThan(5);
  await expect(page.locator("article .codeblock button.copy")).toHaveCount(await blocks.count());
  await expect(page.locator("#step-check-app .codeblock button.copy").first()).toHaveText("ターミナルに入力");

  // Reset asks first: "cancel" keeps the cluster, "OK" restores the lesson's start state.
  await lesson.runFresh("kubectl scale deployments/kubernetes-bootcamp --replicas=3", /scaled/);
  await lesson.runToPrompt("kubectl get deployments", /kubernetes-bootcamp\s+\d\/3/);
  const reset = page.getByRole("button", { name: "このレッスンをリセット" });
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await reset.click();
  await expect.poll(() => asked).toContain("開始状態");
  await lesson.runToPrompt("kubectl get deployments", /kubernetes-bootcamp\s+\d\/3/);
  page.once("dialog", (d) => void d.accept());
  await reset.click();
  // A clean screen with one fresh prompt (the old screen's last prompt does not linger).
  await expect.poll(() => lesson.terminalText()).toMatch(/^student@minikube:~\$\s*$/);
  await lesson.runToPrompt("kubectl get deployments", /kubernetes-bootcamp\s+1\/1\s+1\s+1/);
  await lesson.runToPrompt("kubectl get pods", /kubernetes-bootcamp-\S+\s+1\/1\s+Running/);

  // Copy-to-terminal types the command into the *active* tab, without running it.
  if ((await page.getByRole("tab").count()) < 2) await lesson.newTab();
  else await lesson.selectTab(2);
  await page.locator("#step-check-app .codeblock button.copy").first().click();
  await expect.poll(() => lesson.terminalText()).toMatch(/\$ kubectl get pods\s*$/);
  await page.keyboard.press("Enter"); // the terminal has the focus again
  await expect.poll(() => lesson.terminalText()).toMatch(/NAME\s+READY\s+STATUS[\s\S]*\$\s*$/);
  await lesson.selectTab(1);
  await expect.poll(() => lesson.terminalText()).not.toMatch(/\$ kubectl get pods\s*$/);

  // Hint and solution; looking at the solution is counted in Postgres.
  const step1 = page.locator("#step-check-app");
  await step1.getByRole("button", { name: "ヒントを見る" }).click();
  await expect(step1.locator(".banner")).toContainText("でPodの一覧を表示し");
  await expect(step1.locator(".banner code").first()).toHaveText("kubectl get pods");
  const step3 = page.locator("#step-view-logs");
  await step3.getByRole("button", { name: "解答を見る" }).click();
  await expect(step3.locator(".solution code").last()).toHaveText("kubectl logs $POD_NAME");
  await expect
    .poll(async () => (await stepRows(WHO.email)).find((r) => r.stepId === "view-logs")?.solutionShown)
    .toBe(true);
  await page.screenshot({ path: "/tmp/course-lesson-ja.png", fullPage: false });

  // English, then back to Japanese.
  await switchLanguage(page, "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pods and Nodes");
  await expect(page.locator("#step-check-app h2")).toHaveText(
    "Step 1: Check the application's configuration",
  );
  await expect(page.getByRole("button", { name: "Reset this lesson" })).toBeVisible();
  await expect(page.locator("#step-check-app .codeblock button.copy").first()).toHaveText(
    "Type into terminal",
  );
  await expect(text).not.toContainText("```");
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  await page.screenshot({ path: "/tmp/course-lesson-en.png", fullPage: false });
  await switchLanguage(page, "ja");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("PodとNode");
  await context.close();
});
