/**
 * Stuck detection (issue 13): rules, as data, that tell a teacher a student is probably stuck,
 * each with an explanation for the teacher and a hint the teacher can push to the student's
 * lesson pane. Two kinds: a mistake the student keeps making (seen in the journal of finished
 * lines, like the step checks read it), and time on the current step past a threshold.
 * Pure: the host feeds finished lines, the cluster's waiting pods and the clock.
 */
import type { JournalEntry } from "../shell/types";
import type { Localized, Step } from "./schema";

/** A mistake seen in finished lines: `times` matching lines among the last `within`. */
export interface LineRule {
  id: string;
  kind: "lines";
  /** The typed line must match (a regular expression, JavaScript syntax). */
  line?: string;
  /** What the line printed must match. */
  output?: string;
  times: number;
  within: number;
  explain: Localized;
  hint: Localized;
}

/**
 * A state the student has not looked into: a pod of theirs has waited with one of `reasons`
 * while they ran `lines` commands, none of which matches `looked` (describe, events, logs, …).
 */
export interface StateRule {
  id: string;
  kind: "waiting-pod";
  reasons: string[];
  lines: number;
  looked: string;
  explain: Localized;
  hint: Localized;
}

export interface TimeRule {
  id: "time-on-step";
  kind: "time";
  explain: Localized;
  hint: Localized;
}

export type StuckRule = LineRule | StateRule | TimeRule;

export const STUCK_RULES: readonly StuckRule[] = [
  {
    id: "not-found-repeated",
    kind: "lines",
    output: "\\(NotFound\\)",
    times: 3,
    within: 6,
    explain: {
      ja: "直近のコマンドで NotFound エラーが 3 回出ています。リソース名か名前空間を取り違えている可能性があります。",
      en: "Three NotFound errors in the last few commands: the student is probably using a wrong name or namespace.",
    },
    hint: {
      ja: "まず `kubectl get pods`（または `get all`）で正確な名前を確認しましょう。名前はコピーするか、`export POD_NAME=...` で変数に入れると確実です。",
      en: "First list the exact names with `kubectl get pods` (or `get all`). Copy the name, or keep it in a variable: `export POD_NAME=...`.",
    },
  },
  {
    id: "legacy-exec",
    kind: "lines",
    output: "exec \\[POD\\] \\[COMMAND\\] is not supported anymore",
    times: 2,
    within: 6,
    explain: {
      ja: "古い書き方 `kubectl exec POD コマンド` を繰り返しています（`--` がありません）。",
      en: "The student keeps using the old form `kubectl exec POD command` (without `--`).",
    },
    hint: {
      ja: "コンテナで実行するコマンドの前に `--` を付けます: `kubectl exec $POD_NAME -- env`",
      en: "Put `--` before the command to run in the container: `kubectl exec $POD_NAME -- env`",
    },
  },
  {
    id: "curl-without-proxy",
    kind: "lines",
    line: "\\bcurl\\b.*(localhost|127\\.0\\.0\\.1):8001",
    output: "Failed to connect to",
    times: 2,
    within: 6,
    explain: {
      ja: "`kubectl proxy` が動いていない状態で `curl localhost:8001` を繰り返しています。",
      en: "The student keeps calling `curl localhost:8001` while no `kubectl proxy` is running.",
    },
    hint: {
      ja: "別のタブで `kubectl proxy` を起動したままにしてから、もう一度 `curl http://localhost:8001/version` を試しましょう。",
      en: "Start `kubectl proxy` in a second tab and leave it running, then try `curl http://localhost:8001/version` again.",
    },
  },
  {
    id: "image-pull-unnoticed",
    kind: "waiting-pod",
    reasons: ["ErrImagePull", "ImagePullBackOff"],
    lines: 3,
    looked: "\\b(describe|events|logs|set\\s+image|edit|rollout\\s+undo|apply|patch)\\b",
    explain: {
      ja: "イメージを取得できない Pod（ErrImagePull / ImagePullBackOff）があるのに、調べずに作業を続けています。",
      en: "A pod cannot pull its image (ErrImagePull / ImagePullBackOff) and the student has not looked into it.",
    },
    hint: {
      ja: "`kubectl get pods` の STATUS を見て、`kubectl describe pod <名前>` の Events でイメージ名を確認しましょう。",
      en: "Look at STATUS in `kubectl get pods`, then check the image name in the Events of `kubectl describe pod <name>`.",
    },
  },
  {
    id: "time-on-step",
    kind: "time",
    explain: {
      ja: "現在のステップに想定より長く時間がかかっています。",
      en: "The student has been on the current step longer than expected.",
    },
    hint: {
      ja: "ステップの説明をもう一度読んで、ヒントを開いてみましょう。分からないことがあれば手を挙げてください。",
      en: "Read the step's text once more and open its hint. If something is unclear, raise your hand.",
    },
  },
];

export type StuckRuleId = string;

export function stuckRule(id: string): StuckRule | undefined {
  return STUCK_RULES.find((r) => r.id === id);
}

/**
 * A step's default threshold: two minutes plus one per line of its solution (a longer step
 * takes longer). A teacher may set another per class and step.
 */
export function defaultStepSeconds(step: Pick<Step, "solution">): number {
  return 120 + 60 * step.solution.length;
}

/** Whether time on a step is past its threshold. */
export function overTime(since: number, now: number, thresholdSeconds: number): boolean {
  return now - since >= thresholdSeconds * 1000;
}

/** Pods whose container waits, with the reason (from the cluster's pod list). */
export function waitingReasons(pods: unknown): string[] {
  const out: string[] = [];
  const items = (pods as { items?: unknown[] } | null)?.items ?? [];
  for (const p of items as Array<{
    status?: { containerStatuses?: Array<{ state?: { waiting?: { reason?: string } } }> };
  }>)
    for (const s of p.status?.containerStatuses ?? []) {
      const r = s.state?.waiting?.reason;
      if (r) out.push(r);
    }
  return out;
}

const MAX_KEPT = 12;

/**
 * One student's mistake detector: fed every finished line (and the pods' waiting reasons at
 * that moment), answers which rules fire now. A rule that fired stays raised until `clear`
 * (the student moved to another step, or the teacher dismissed it).
 */
export class StuckDetector {
  private readonly recent: JournalEntry[] = [];
  private readonly raised = new Set<string>();
  /** Lines run since a pod of theirs started waiting on its image, none of them looking into it. */
  private unnoticed = 0;
  private readonly compiled = new Map<string, RegExp>();

  constructor(private readonly rules: readonly StuckRule[] = STUCK_RULES) {}

  private re(src: string): RegExp {
    let r = this.compiled.get(src);
    if (!r) {
      r = new RegExp(src);
      this.compiled.set(src, r);
    }
    return r;
  }

  /** The rules raised now (ids, in rule order). */
  flags(): string[] {
    return this.rules.filter((r) => this.raised.has(r.id)).map((r) => r.id);
  }

  /** Feeds a finished line; returns the rules this line newly raised. */
  line(entry: JournalEntry, waiting: readonly string[]): string[] {
    if (entry.inProgress) return [];
    this.recent.push(entry);
    if (this.recent.length > MAX_KEPT) this.recent.shift();
    const fresh: string[] = [];
    for (const rule of this.rules) {
      if (this.raised.has(rule.id)) continue;
      let fire = false;
      if (rule.kind === "lines") {
        const hits = this.recent
          .slice(-rule.within)
          .filter(
            (e) =>
              (rule.line === undefined || this.re(rule.line).test(e.line)) &&
              (rule.output === undefined || this.re(rule.output).test(e.output)),
          ).length;
        // Only the line that makes the count fires it (not an unrelated later one).
        fire =
          hits >= rule.times &&
          (rule.line === undefined || this.re(rule.line).test(entry.line)) &&
          (rule.output === undefined || this.re(rule.output).test(entry.output));
      } else if (rule.kind === "waiting-pod") {
        const stuckPod = waiting.some((w) => rule.reasons.includes(w));
        if (!stuckPod || this.re(rule.looked).test(entry.line)) this.unnoticed = 0;
        else this.unnoticed += 1;
        fire = this.unnoticed >= rule.lines;
      }
      if (fire) {
        this.raised.add(rule.id);
        fresh.push(rule.id);
      }
    }
    return fresh;
  }

  /** Lowers one rule, or all of them (a new step begins: old mistakes are history). */
  clear(id?: string): void {
    if (id === undefined) {
      this.raised.clear();
      this.recent.length = 0;
      this.unnoticed = 0;
    } else this.raised.delete(id);
  }
}
