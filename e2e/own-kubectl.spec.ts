/**
 * "Use your own kubectl" (docs/adr/0029-own-kubectl.md): a student downloads the kubeconfig from
 * the lesson page and the real kubectl v1.32 uses it against the same server — what it creates
 * shows in the browser's terminal, and signing out voids the file. The dialog is checked at a
 * laptop and a phone size in both languages (screenshots in test-results/own-kubectl/). Without a
 * trusted kubectl the kubectl half is skipped, with the reason (scripts/real-kubectl.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { describeOracle, kubectlOracle, runOracle } from "../scripts/real-kubectl";
import { LessonPage, login, noSidewaysScroll, STUDENT2 } from "./pages";

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

for (const size of SIZES)
  for (const locale of ["en", "ja"] as const)
    test(`the own-kubectl dialog fits ${size.width}×${size.height} (${locale})`, async ({ browser }) => {
      const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await login(page, STUDENT2);
      await page.request.post("/api/locale", { data: { locale } });
      // On a phone the lesson pane comes first; the button is in it.
      await page.goto("/learn/pods-and-nodes");
      await expect(page.locator('.status[data-status="online"]')).toBeAttached();
      await page.getByTestId("own-kubectl").click();
      const dialog = page.locator("dialog.ownkubectl");
      await expect(dialog).toBeVisible();
      await noSidewaysScroll(page, "lesson with the dialog");
      const box = await dialog.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= size.width).toBe(true);
      await page.screenshot({
        path: `test-results/own-kubectl/dialog-${locale}-${size.width}x${size.height}.png`,
      });
      await dialog.getByRole("button", { name: locale === "en" ? "Close" : "閉じる" }).click();
      await expect(dialog).toBeHidden();
      await context.close();
    });

test("the downloaded kubeconfig drives the student's own cluster until they sign out", async ({
  browser,
}) => {
  const oracle = kubectlOracle();
  test.skip(!oracle.ok, describeOracle("own-kubectl.spec"));
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "kubeclass-own-kubectl-e2e-"));
  try {
    const context = await browser.newContext({
      viewport: SIZES[0],
      deviceScaleFactor: 1,
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await login(page, STUDENT2);
    await page.request.post("/api/locale", { data: { locale: "en" } });
    const lesson = new LessonPage(page);
    await lesson.open("pods-and-nodes");
    await page.getByTestId("own-kubectl").click();
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download kubeconfig" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("kubeclass-kubernetes-basics.yaml");
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    await expect(page.getByRole("status")).toHaveText(/Saved as kubeclass-kubernetes-basics\.yaml/);
    const origin = new URL(page.url()).origin;
    expect(readFileSync(file, "utf8")).toContain(`server: "${origin}/kube/kubernetes-basics/token/`);

    const env = { ...process.env, KUBECONFIG: file, HOME: dir };
    const kubectl = (args: string[]) => runOracle([`--cache-dir=${join(dir, "cache")}`, ...args], { env });
    const name = `own-e2e-${Date.now().toString(36)}`;
    expect(await kubectl(["create", "deployment", name, "--image=nginx"])).toEqual({
      code: 0,
      out: `deployment.apps/${name} created\n`,
      err: "",
    });
    await page.getByRole("button", { name: "Close" }).click();
    await lesson.runFresh("kubectl get deployments", new RegExp(`${name}\\s+\\d/1`));
    // exec upgrades to a websocket on the same port as socket.io's
    const pod = (await kubectl(["get", "pods", "-o", "jsonpath={.items[0].metadata.name}"])).out;
    const env2 = await kubectl(["exec", pod, "--", "env"]);
    expect(env2.err).toBe("");
    expect(env2.out).toContain(`HOSTNAME=${pod}\n`);

    // Signing out (the top bar's button) voids the file.
    await page.request.post("/api/auth/signout", {
      form: {
        csrfToken: ((await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string })
          .csrfToken,
      },
    });
    // kubectl's words: "(Unauthorized)" with discovery cached, the discovery client's words when
    // it asks again (server/own-kubectl.int.test.ts pins both).
    await expect
      .poll(async () => (await kubectl(["get", "pods"])).err)
      .toMatch(
        /(^|\n)error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)\n$/,
      );
    await context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
