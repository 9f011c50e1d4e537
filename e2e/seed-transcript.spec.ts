/**
 * The seed lesson exactly as the user's text has it, typed through the browser terminal (socket):
 * the seed's legacy lines get real kubectl's answers plus a classroom hint, the current forms
 * work, and every step of "Pods and Nodes" is ticked.
 */
import { expect, test } from "@playwright/test";
import { LessonPage, newStudent, STUDENT1 } from "./pages";

test("seed lesson, original and current forms, through the socket", async ({ browser }) => {
  test.setTimeout(120_000);
  const { context, page } = await newStudent(browser, STUDENT1);
  page.on("dialog", (d) => void d.accept());
  const lesson = new LessonPage(page);
  await lesson.open("pods-and-nodes");
  // Start from the lesson's start state whatever this student did before.
  await page.getByRole("button", { name: /このレッスンをリセット|Reset this lesson/ }).click();
  await expect.poll(() => lesson.terminalText()).toMatch(/\$\s*$/);

  // Step 1
  const pods = await lesson.runToPrompt("kubectl get pods", /kubernetes-bootcamp-\S+\s+1\/1\s+Running/);
  const pod = /kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}/.exec(pods)![0];
  await lesson.runToPrompt("kubectl describe pods", /Events:/);
  await lesson.expectDone("check-app");

  // Step 2: the proxy holds tab 1; the seed's commands run in a new tab.
  await lesson.runFresh("kubectl proxy", /Starting to serve on 127\.0\.0\.1:8001/);
  await lesson.newTab();
  await lesson.runToPrompt(
    `export POD_NAME=$(kubectl get pods -o go-template --template '{{range.items}}{{.metadata.name}}{{"\\n"}}{{end}}')`,
  );
  await lesson.runToPrompt("echo Name of the Pod: $POD_NAME", new RegExp(`Name of the Pod: ${pod}`));
  // The seed's old proxy path: the API server's 404 Status, then our hint with the current path.
  const old = await lesson.runToPrompt(
    "curl http://localhost:8001/api/v1/proxy/namespaces/default/pods/$POD_NAME/",
    /"reason":\s*"NotFound"[\s\S]*hint:/,
  );
  expect(old).toContain(":8080/proxy/");
  await lesson.runToPrompt(
    "curl http://localhost:8001/api/v1/namespaces/default/pods/$POD_NAME:8080/proxy/",
    new RegExp(`Hello Kubernetes bootcamp! \\| Running on: ${pod} \\| v=1`),
  );
  await lesson.expectDone("view-app");

  // Step 3
  // (The terminal wraps long lines, so the pod name may be split across rows.)
  await lesson.runToPrompt(
    "kubectl logs $POD_NAME",
    /Kubernetes Bootcamp App Started At: [\s\S]*Total Requests: 1 \|/,
  );
  await lesson.expectDone("view-logs");

  // Step 4: the seed's legacy exec forms, then the current ones.
  await lesson.runToPrompt(
    "kubectl exec $POD_NAME env",
    /error: exec \[POD\] \[COMMAND\] is not supported anymore\. Use exec \[POD\] -- \[COMMAND\] instead[\s\S]*hint:[\s\S]*-- env/,
  );
  await lesson.runToPrompt(
    "kubectl exec -ti $POD_NAME bash",
    /is not supported anymore[\s\S]*hint:[\s\S]*-- bash/,
  );
  await lesson.runToPrompt(
    "kubectl exec $POD_NAME -- env",
    new RegExp(`HOSTNAME=${pod}[\\s\\S]*KUBERNETES_SERVICE_HOST=10\\.96\\.0\\.1`),
  );
  await lesson.runFresh("kubectl exec -ti $POD_NAME -- bash", new RegExp(`root@${pod}:/#`));
  await lesson.runFresh("cat server.js", /http\.createServer|createServer/);
  await lesson.runFresh(
    "curl localhost:8080",
    new RegExp(`Hello Kubernetes bootcamp! \\| Running on: ${pod} \\| v=1[\\s\\S]*root@`),
  );
  await lesson.runFresh("exit", /exit[\s\S]*student@minikube:~\$/);
  await lesson.expectDone("exec");

  // Ctrl-C ends the proxy in tab 1, like in bash.
  await lesson.selectTab(1);
  await page.locator(".xterm-tab:visible .xterm-helper-textarea").focus();
  await page.keyboard.press("Control+C");
  await expect.poll(() => lesson.terminalText()).toMatch(/\^C[\s\S]*\$\s*$/);
  await context.close();
});
