/**
 * The server becomes unreachable under a student's hands: the page says so plainly, does not
 * swallow keystrokes silently, and says when the connection is back.
 */
import { expect, test, type WebSocketRoute } from "@playwright/test";
import { LessonPage, newStudent, STUDENT2 } from "./pages";

test("while the server is unreachable the terminal says so, takes no input, and says when it is back", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  // student2: course.spec expects student3's cluster as the deploy-app lesson starts it.
  const { context, page } = await newStudent(browser, STUDENT2);
  // The network between this page and the server: while `down`, every socket.io connection
  // (websocket or long-polling) fails as if the server were gone.
  let down = false;
  const connections: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/socket\.io\//, async (ws) => {
    if (down) return ws.close();
    ws.connectToServer();
    connections.push(ws);
  });
  await page.route(/\/socket\.io\//, (route) => (down ? route.abort() : route.continue()));

  const lesson = new LessonPage(page);
  await lesson.open("pods-and-nodes");
  const status = page.getByTestId("connection");
  await expect(status).toHaveAttribute("data-status", "online");
  // The dot is labelled, not just a colour.
  await expect(status).toHaveText(/接続済み|Connected/);
  await expect(page.getByTestId("offline-banner")).toHaveCount(0);

  down = true;
  for (const ws of connections.splice(0)) await ws.close();
  const banner = page.getByTestId("offline-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute("role", "alert");
  await expect(banner).toHaveText(/サーバーに接続できません|cannot reach the server/);
  await expect(banner).toHaveText(/入力は送られません|not sent/);
  await expect(status).toHaveAttribute("data-status", "offline");

  // Keystrokes are refused while offline: nothing of them reaches the shell, now or later.
  await page.locator(".xterm-tab:visible .xterm-helper-textarea").focus();
  await page.keyboard.type("echo typed-while-offline");
  await page.keyboard.press("Enter");
  expect(await lesson.terminalText()).not.toContain("typed-while-offline");

  down = false;
  // (socket.io retries with a growing delay of up to 5 s, plus jitter; a loaded machine is slower.)
  await expect(status).toHaveAttribute("data-status", "online", { timeout: 45_000 });
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId("back-online")).toHaveText(/再接続しました|connected again/i);
  await lesson.runToPrompt("echo typed-after-reconnect", /\ntyped-after-reconnect/);
  expect(await lesson.terminalText()).not.toContain("typed-while-offline");
  await context.close();
});
