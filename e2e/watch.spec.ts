/**
 * A teacher looks over a student's shoulder: the student's terminal appears live and read-only
 * on the teacher's screen; a student cannot open another student's terminal.
 */
import { expect, test } from "@playwright/test";
import { LessonPage, newStudent, STUDENT2, STUDENT3, TEACHER } from "./pages";

test("the teacher sees a student's terminal live, read-only", async ({ browser }) => {
  const teacher = await newStudent(browser, TEACHER);
  // Every socket.io frame the teacher's page sends, in order with what it receives.
  const sentByTeacher: string[] = [];
  teacher.page.on("websocket", (ws) => ws.on("framesent", (f) => sentByTeacher.push(String(f.payload))));
  await teacher.page.goto("/teach");
  const link = teacher.page.locator('tr[data-student="student2@example.com"] a.student');
  const href = await link.getAttribute("href");
  expect(href).toMatch(/^\/teach\/watch\/[a-z0-9]+$/);

  const student = await newStudent(browser, STUDENT2);
  const lesson = new LessonPage(student.page);
  await lesson.open("pods-and-nodes");
  await lesson.runToPrompt("echo before-the-teacher-looks", /before-the-teacher-looks/);

  await link.click();
  await teacher.page.waitForURL(`**${href}`);
  const mirror = teacher.page.locator('[data-watch-tab="1"] .xterm-rows');
  // What the tab already showed is replayed, then new output streams in.
  await expect(mirror).toContainText("before-the-teacher-looks");
  // (Whatever state this student's cluster is in, the node is there.)
  await lesson.runToPrompt("kubectl get nodes", /minikube\s+Ready/);
  await expect(mirror).toContainText("control-plane");

  // Typing on the teacher's side does nothing to the student's shell.
  await teacher.page.locator('[data-watch-tab="1"] .xterm-helper-textarea').focus();
  await teacher.page.keyboard.type("echo typed-by-teacher");
  await teacher.page.keyboard.press("Enter");
  // A later positive event proves the negative: the student's next command reaches the teacher's
  // screen over the teacher's own socket, so any frame the teacher's keys had sent on that socket
  // was sent (and reported to us) before it — and the student's shell ran its line untouched.
  await lesson.runToPrompt("echo after-the-teacher-typed", /after-the-teacher-typed/);
  // the student's line ran as typed: right after the prompt, with nothing of the teacher's before it
  expect(await lesson.terminalText()).toMatch(
    /\$ echo after-the-teacher-typed\s*\n\s*after-the-teacher-typed/,
  );
  await expect(mirror).toContainText("after-the-teacher-typed");
  expect(sentByTeacher.filter((f) => f.includes("term:input"))).toEqual([]);
  expect(await lesson.terminalText()).not.toContain("typed-by-teacher");

  // Another student cannot look at student2's terminal.
  const other = await newStudent(browser, STUDENT3);
  await other.page.goto(href!);
  await expect(other.page.locator(".error[role=alert]")).toBeVisible();
  await expect(other.page.locator(".watch-term")).toHaveCount(0);

  await other.context.close();
  await student.context.close();
  await teacher.context.close();
});
