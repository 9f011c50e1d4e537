/**
 * The teacher's progress board: only teachers may open it; a student's completed steps appear on
 * it live (no reload) and stay after one; each student's ticks land in their own row.
 */
import { expect, test } from "@playwright/test";
import { LessonPage, login, newStudent, STUDENT1, STUDENT2, TEACHER } from "./pages";

const STEPS = ["minikube", "kubectl-version", "cluster-info", "get-nodes"] as const;

test("a student cannot open the progress board", async ({ browser }) => {
  const { context, page } = await newStudent(browser, STUDENT1);
  await page.request.post("/api/locale", { data: { locale: "ja" } });
  await page.goto("/teach");
  await expect(page.locator(".error[role=alert]")).toHaveText("このページは講師だけが開けます。");
  await expect(page.getByTestId("board")).toHaveCount(0);
  await context.close();
});

test("module 1 typed by a student ticks live on the teacher's board, in that student's row only", async ({
  browser,
}) => {
  const teacherContext = await browser.newContext();
  const board = await teacherContext.newPage();
  await login(board, TEACHER);
  await board.request.post("/api/locale", { data: { locale: "ja" } });
  await board.goto("/teach");
  await expect(board.getByRole("heading", { level: 1 })).toHaveText("進捗ボード");
  await expect(board.locator('.who[data-live="true"]')).toBeVisible();
  for (const email of ["student1@example.com", "student2@example.com", "student3@example.com"])
    await expect(board.locator(`tr[data-student="${email}"]`)).toBeVisible();
  await board.evaluate(() => {
    (window as unknown as { __noReload?: boolean }).__noReload = true;
  });
  const cell = (email: string, step: string) =>
    board.locator(`tr[data-student="${email}"] td[data-cell="create-cluster/${step}"]`);
  for (const s of STEPS) await expect(cell(STUDENT2.email, s)).toHaveAttribute("data-done", "false");

  const student = await newStudent(browser, STUDENT2);
  // The steps' buttons are read in Japanese below; another spec may have left this student in English.
  await student.page.request.post("/api/locale", { data: { locale: "ja" } });
  const lesson = new LessonPage(student.page);
  await lesson.open("create-cluster");
  await lesson.runToPrompt("minikube version", /commit: [0-9a-f]+/);
  await lesson.runToPrompt("minikube status", /host: Running/);
  await expect(cell(STUDENT2.email, "minikube")).toHaveAttribute("data-done", "true");
  await lesson.runToPrompt("kubectl version", /Server Version: v1\.\d+/);
  await expect(cell(STUDENT2.email, "kubectl-version")).toHaveAttribute("data-done", "true");
  await lesson.runToPrompt("kubectl cluster-info", /Kubernetes control plane is running at/);
  await expect(cell(STUDENT2.email, "cluster-info")).toHaveAttribute("data-done", "true");
  await lesson.runToPrompt("kubectl get nodes", /minikube\s+Ready\s+control-plane/);
  await expect(cell(STUDENT2.email, "get-nodes")).toHaveAttribute("data-done", "true");
  await lesson.expectDone("get-nodes");

  expect(await board.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  for (const s of STEPS) await expect(cell(STUDENT1.email, s)).toHaveAttribute("data-done", "false");
  // Opening a solution is counted for the teacher (a marker and the cell's tooltip).
  await student.page.locator("#step-get-nodes").getByRole("button", { name: "解答を見る" }).click();
  await expect(student.page.locator("#step-get-nodes .solution code").last()).toContainText(
    "kubectl get nodes",
  );
  await expect
    .poll(async () => {
      await board.reload();
      return cell(STUDENT2.email, "get-nodes").getAttribute("data-solution");
    })
    .toBe("true");
  for (const s of STEPS) await expect(cell(STUDENT2.email, s)).toContainText("✓");
  await expect(cell(STUDENT2.email, "get-nodes")).toHaveAttribute(
    "title",
    /コマンド \d+ 回 · エラー \d+ 回[\s\S]*解答を表示しました/,
  );

  await student.context.close();
  await teacherContext.close();
});
