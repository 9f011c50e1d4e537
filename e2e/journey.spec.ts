/**
 * The first student journey (issue A): log in, open "Pods and Nodes", run kubectl in the browser
 * terminal, see step 1 ticked without a reload; another student sees a different cluster; the
 * progress survives a reload.
 */
import { expect, test, type WebSocketRoute } from "@playwright/test";
import { LessonPage, login, newStudent, STUDENT1, STUDENT2 } from "./pages";

const LESSON = "pods-and-nodes";
const POD = /kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}/;

test("a wrong password gets a clear message", async ({ page }) => {
  await page.goto("/login");
  await page.locator('input[name="email"]').fill(STUDENT1.email);
  await page.locator('input[name="password"]').fill("not-the-password");
  await page.locator('button[type="submit"]').click();
  await expect(page.locator(".error[role=alert]")).toHaveText(
    /メールアドレスまたはパスワードが正しくありません|email or password is not correct/,
  );
  await expect(page).toHaveURL(/\/login/);
});

test("an unauthenticated socket is refused", async ({ page }) => {
  await page.goto("/login");
  const error = await page.evaluate(async () => {
    const res = await fetch("/socket.io/?EIO=4&transport=polling");
    const body = await res.text();
    return { status: res.status, body };
  });
  // The engine.io handshake opens; the socket.io CONNECT is then refused by the auth middleware.
  expect(error.status).toBe(200);
  const sid = /"sid":"([^"]+)"/.exec(error.body)?.[1];
  expect(sid).toBeTruthy();
  const connect = await page.evaluate(async (id) => {
    await fetch(`/socket.io/?EIO=4&transport=polling&sid=${id}`, { method: "POST", body: "40" });
    const res = await fetch(`/socket.io/?EIO=4&transport=polling&sid=${id}`);
    return res.text();
  }, sid);
  expect(connect).toContain('44{"message":"unauthorized"}');
});

test("student runs get pods and describe pods; step 1 is ticked live and persists", async ({ browser }) => {
  const { context, page } = await newStudent(browser, STUDENT1);
  await page.goto("/learn");
  await expect(page.locator(`a[data-lesson="${LESSON}"]`)).toBeVisible();
  await page.locator(`a[data-lesson="${LESSON}"]`).click();
  await page.waitForURL(`**/learn/${LESSON}`);
  const lesson = new LessonPage(page);
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  await expect.poll(() => lesson.terminalText()).toContain("$");

  const firstStep = page.locator("[data-step]").first();
  const stepId = await firstStep.getAttribute("data-step");
  await expect(firstStep).not.toHaveAttribute("data-state", "done");

  const afterGet = await lesson.run("kubectl get pods", /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
  const podName = POD.exec(afterGet)?.[0];
  expect(podName).toBeTruthy();
  await expect(page.locator(".xterm-rows")).toContainText("Running");

  await lesson.run("kubectl describe pods", /QoS Class:\s+BestEffort[\s\S]*Events:/);
  await expect(firstStep).toHaveAttribute("data-state", "done");
  await page.screenshot({ path: "test-results/lesson-page.png" });

  // Reload: same progress, same cluster.
  await page.reload();
  await expect(page.locator(`[data-step="${stepId}"]`)).toHaveAttribute("data-state", "done");
  await expect(page.locator('.status[data-status="online"]')).toBeVisible();
  const again = await lesson.run("kubectl get pods", new RegExp(`${podName}[\\s\\S]*\\$ $|${podName}`));
  expect(again).toContain(podName!);

  // A second student, at the same time, sees only their own cluster.
  const other = await newStudent(browser, STUDENT2);
  const otherLesson = new LessonPage(other.page);
  await otherLesson.open(LESSON);
  const theirs = await otherLesson.run("kubectl get pods", POD);
  const theirPod = POD.exec(theirs)?.[0];
  expect(theirPod).toBeTruthy();
  expect(theirPod).not.toBe(podName);
  expect(theirs).not.toContain(podName!);

  await other.context.close();
  await context.close();
});

test("oversized terminal input is refused with a message and the session stays usable", async ({
  browser,
}) => {
  const { context, page } = await newStudent(browser, STUDENT2);
  // Sit between the page and the server, as a modified client would, instead of reaching into
  // the page: the page itself never sends more than MAX_INPUT_CHARS at once.
  let toServer: WebSocketRoute | undefined;
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    toServer = ws.connectToServer();
  });
  const lesson = new LessonPage(page);
  await lesson.open(LESSON);
  // One 10 000-character keystroke event (a socket.io EVENT packet inside an engine.io message).
  toServer!.send(`42${JSON.stringify(["term:input", { tabId: "1", data: "x".repeat(10_000) }])}`);
  await expect.poll(() => lesson.terminalText()).toContain("input refused");
  await lesson.run("kubectl get nodes", /minikube\s+Ready\s+control-plane/);
  await context.close();
});

test("login page works with the language switch", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.getByRole("button", { name: "日本語" }).click();
  await expect(page.getByRole("heading", { name: "ログイン" })).toBeVisible();
  await login(page, STUDENT1);
});
