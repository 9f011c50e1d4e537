/**
 * Class charts (issue 13): per lesson, how many students had each step done over time, and the
 * median time a step took. Computed on read from StepProgress rows (like grades, never stored).
 */

export interface StepRow {
  userId: string;
  stepId: string;
  startedAt: Date;
  completedAt: Date | null;
}

export interface ChartData {
  steps: Array<{
    id: string;
    /** Cumulative students done, one point per completion: [epoch ms, count]. */
    done: Array<[number, number]>;
    /** Median minutes from starting the step to completing it (null: nobody completed it). */
    medianMinutes: number | null;
    completed: number;
  }>;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * A step's time is from when the student started it — the later of their first command in it and
 * completing the step before — to completing it.
 */
export function classCharts(stepIds: string[], rows: StepRow[]): ChartData {
  const byUser = new Map<string, Map<string, StepRow>>();
  for (const r of rows) {
    const m = byUser.get(r.userId) ?? new Map<string, StepRow>();
    m.set(r.stepId, r);
    byUser.set(r.userId, m);
  }
  return {
    steps: stepIds.map((id, i) => {
      const times: number[] = [];
      const doneAt: number[] = [];
      for (const steps of byUser.values()) {
        const r = steps.get(id);
        if (!r?.completedAt) continue;
        doneAt.push(r.completedAt.getTime());
        const prev = i > 0 ? steps.get(stepIds[i - 1] as string)?.completedAt : null;
        const start = Math.max(r.startedAt.getTime(), prev ? prev.getTime() : 0);
        times.push(Math.max(0, r.completedAt.getTime() - start) / 60_000);
      }
      doneAt.sort((a, b) => a - b);
      const m = median(times);
      return {
        id,
        done: doneAt.map((t, k) => [t, k + 1] as [number, number]),
        medianMinutes: m === null ? null : Math.round(m * 100) / 100,
        completed: doneAt.length,
      };
    }),
  };
}
