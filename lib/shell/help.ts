/**
 * `help`: what this terminal offers, in the learner's language ($LANG: ja… → Japanese, else
 * English). Every name comes from the registries the shell runs from — the kubectl verb table,
 * the workstation's programs, the builtins and text tools — so the list cannot drift from what
 * actually runs. (bash's own `help` describes bash builtins; ours is a map of this classroom.)
 */
import { formatColumns } from "./columns";
import type { Shell } from "./interp";

/** A kubectl verb as the kubectl registry describes it. */
export interface VerbSummary {
  name: string;
  short: string;
}

export interface HelpSources {
  kubectlVerbs: readonly VerbSummary[];
  /** Builtins bash itself has (cd, export, jobs, …). */
  shellBuiltins: readonly string[];
  /** Text tools for pipes (grep, head, awk, …). */
  textTools: readonly string[];
  /** Every other command the shell runs itself (ls, date, …). */
  otherCommands: readonly string[];
}

type Lang = "ja" | "en";

const WORDS = {
  en: {
    title: "This terminal is a simulated Linux workstation with its own Kubernetes cluster (minikube).",
    programs: "Programs:",
    kubectl: "kubectl COMMAND — talks to your cluster. Commands:",
    kubectlMore: 'Use "kubectl COMMAND --help" for a command\'s flags.',
    minikube: "minikube — your cluster's minikube (minikube status, minikube ip, …)",
    curl: "curl URL — HTTP requests on the virtual network (kubectl proxy, Services, Pods)",
    builtins: "Shell builtins:",
    text: "Text tools (for pipes: kubectl get pods | grep Running):",
    other: "Other commands:",
    keys: "Keys: Tab completes, ↑/↓ history, Ctrl-C stops a command, Ctrl-L clears the screen.",
  },
  ja: {
    title: "このターミナルは Kubernetes クラスタ（minikube）付きの、シミュレーションされた Linux 端末です。",
    programs: "プログラム:",
    kubectl: "kubectl コマンド — あなたのクラスタを操作します。コマンド一覧:",
    kubectlMore: "各コマンドのフラグは「kubectl コマンド --help」で表示されます。",
    minikube: "minikube — あなたのクラスタの minikube（minikube status、minikube ip など）",
    curl: "curl URL — 仮想ネットワーク上の HTTP リクエスト（kubectl proxy、Service、Pod）",
    builtins: "シェルの組み込みコマンド:",
    text: "テキスト処理（パイプで: kubectl get pods | grep Running）:",
    other: "その他のコマンド:",
    keys: "キー: Tab で補完、↑/↓ で履歴、Ctrl-C でコマンドを止める、Ctrl-L で画面をクリア。",
  },
} as const;

export function helpLanguage(lang: string | undefined): Lang {
  return lang?.toLowerCase().startsWith("ja") ? "ja" : "en";
}

export function helpText(shell: Shell, sources: HelpSources, columns: number): string {
  const w = WORDS[helpLanguage(shell.getVar("LANG"))];
  const width = Math.max(20, columns);
  const names = (list: readonly string[]): string => {
    const sorted = [...list].sort();
    return formatColumns(
      sorted,
      sorted.map((n) => n.length),
      width - 2,
    )
      .split("\n")
      .map((l) => (l === "" ? l : `  ${l}`))
      .join("\n");
  };
  const programs = Object.keys(shell.opts.programs).sort();
  let out = `${w.title}\n\n`;
  if (programs.includes("kubectl")) {
    const pad = Math.max(...sources.kubectlVerbs.map((v) => v.name.length)) + 2;
    out += `${w.kubectl}\n`;
    for (const v of sources.kubectlVerbs) out += `  ${v.name.padEnd(pad)}${v.short}\n`;
    out += `  ${w.kubectlMore}\n\n`;
  }
  const others = programs.filter((p) => p !== "kubectl");
  if (others.length > 0) {
    out += `${w.programs}\n`;
    for (const p of others) {
      const line = p === "minikube" ? w.minikube : p === "curl" ? w.curl : p;
      out += `  ${line}\n`;
    }
    out += "\n";
  }
  out += `${w.builtins}\n${names(sources.shellBuiltins)}\n`;
  out += `${w.text}\n${names(sources.textTools)}\n`;
  out += `${w.other}\n${names(sources.otherCommands)}\n`;
  out += `${w.keys}\n`;
  return out;
}
