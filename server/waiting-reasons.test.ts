/**
 * The stuck rules' input (pods waiting on their image) is read from the pod list only when the
 * cluster's state version moved (server/session-factory.ts). It must answer exactly what reading
 * the pod list after every line answers, while the kubelet moves a broken pod on with time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { waitingReasons } from "../lib/course/stuck";
import { createSession, type StudentSession } from "./session-factory";

const PROMPT = { user: "student", host: "minikube" };

function fromPodList(s: StudentSession): string[] {
  const res = s.api({ method: "GET", path: "/api/v1/pods", headers: { accept: "application/json" } });
  return waitingReasons(JSON.parse(res.body));
}

describe("waiting reasons per state version", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-02T10:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("answers what the pod list says at every moment, through a broken image and back-off", () => {
    const s = createSession({ scenario: "explore-app", seed: 7, prompt: PROMPT });
    try {
      expect(s.waitingReasons()).toEqual([]);
      expect(s.applyFault({ kind: "broken-image" }).ok).toBe(true);
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        vi.setSystemTime(Date.now() + 250);
        // twice at one moment: the second answer comes from the cache
        const cached = [s.waitingReasons(), s.waitingReasons()];
        const direct = fromPodList(s);
        expect(cached[0]).toEqual(direct);
        expect(cached[1]).toEqual(direct);
        for (const r of direct) seen.add(r);
      }
      // the moments above include the new pod's creation and both stages of a failed pull
      expect([...seen].sort()).toEqual(["ContainerCreating", "ErrImagePull", "ImagePullBackOff"]);
    } finally {
      s.dispose();
    }
  });
});
