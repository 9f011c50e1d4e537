"use client";
/**
 * "Use your own kubectl": a dialog on the lesson page that hands the student a kubeconfig for
 * their cluster of this course (app/api/kubeconfig, docs/adr/0029-own-kubectl.md). The file is
 * fetched only when asked for, from the signed-in session, and kept in the page's memory only.
 */
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";

export function OwnKubectl({ courseSlug }: { courseSlug: string }) {
  const t = useTranslations("ownKubectl");
  const dialog = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<"idle" | "busy" | "done" | "error">("idle");
  const [secure, setSecure] = useState(false);
  const file = `kubeclass-${courseSlug}.yaml`;
  const context = `kubeclass-${courseSlug}`;

  const open = () => {
    setSecure(window.location.protocol === "https:");
    dialog.current?.showModal();
  };

  const download = async () => {
    setState("busy");
    try {
      const res = await fetch("/api/kubeconfig", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ courseSlug }),
      });
      if (!res.ok) throw new Error(String(res.status));
      const { kubeconfig } = (await res.json()) as { kubeconfig: string };
      const url = URL.createObjectURL(new Blob([kubeconfig], { type: "application/yaml" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = file;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState("done");
    } catch {
      setState("error");
    }
  };

  return (
    <>
      <button type="button" className="linkbtn" onClick={open} data-testid="own-kubectl">
        {t("open")}
      </button>
      <dialog ref={dialog} className="ownkubectl" aria-labelledby="ownkubectl-title">
        <h2 id="ownkubectl-title">{t("title")}</h2>
        <p>{t("intro")}</p>
        <ol className="ownsteps">
          <li>
            {t("step1")}{" "}
            <button type="button" className="primary" onClick={download} disabled={state === "busy"}>
              {t("download")}
            </button>
            {state === "done" && (
              <span className="ok" role="status">
                {" "}
                {t("downloaded", { file })}
              </span>
            )}
            {state === "error" && (
              <span className="err" role="alert">
                {" "}
                {t("failed")}
              </span>
            )}
          </li>
          <li>
            {t("step2")}
            <pre>
              <code>{`export KUBECONFIG=~/Downloads/${file}\nkubectl get pods`}</code>
            </pre>
            <span className="hint">{t("windows")}</span>
            <pre>
              <code>{`$env:KUBECONFIG="$HOME\\Downloads\\${file}"`}</code>
            </pre>
          </li>
        </ol>
        <p className="note">{t("secret")}</p>
        {secure ? (
          <p className="hint">
            {t("selfSigned")}
            <code>{` kubectl config set-cluster ${context} --insecure-skip-tls-verify=true`}</code>
          </p>
        ) : (
          <p className="hint">{t("plainHttp")}</p>
        )}
        <form method="dialog">
          <button type="submit" className="linkbtn">
            {t("close")}
          </button>
        </form>
      </dialog>
    </>
  );
}
