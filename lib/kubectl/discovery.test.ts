/**
 * Discovery as kubectl does it without a disk cache: every command asks `/api`, `/apis` and each
 * group version, and its resource list follows what the server answers now — even though the
 * list built from a set of documents is reused by the next command that gets the same ones.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import type { ApiRequest, ApiResponse } from "../cluster/types";
import { ManualClock } from "../cluster/types";
import { RestClient } from "./client";

function setup() {
  const cluster = Cluster.create({
    scenario: "explore-app",
    seed: 1,
    clock: new ManualClock(Date.parse("2026-11-30T03:00:00Z")),
  });
  const paths: string[] = [];
  let rewrite: ((req: ApiRequest, res: ApiResponse) => ApiResponse) | null = null;
  const api = (req: ApiRequest): ApiResponse => {
    paths.push(req.path);
    const res = cluster.handle(req);
    return rewrite ? rewrite(req, res) : res;
  };
  return {
    paths,
    api,
    setRewrite: (f: typeof rewrite) => {
      rewrite = f;
    },
  };
}

describe("kubectl discovery", () => {
  it("sends every discovery request for every command, in the same order", () => {
    const { paths, api } = setup();
    const first = new RestClient(api).discover();
    const asked = paths.splice(0);
    expect(asked.slice(0, 3)).toEqual(["/api", "/apis", "/api/v1"]);
    expect(asked.length).toBeGreaterThan(3);
    const second = new RestClient(api).discover();
    expect(paths).toEqual(asked);
    expect(second).toEqual(first);
    expect(first.find((r) => r.resource === "deployments")?.group).toBe("apps");
  });

  it("follows the server's answers: a group that is gone or failing is not listed", () => {
    const { api, setRewrite } = setup();
    expect(new RestClient(api).resolve("deploy").resource).toBe("deployments");
    // The apps group's resource list fails: kubectl skips that group.
    setRewrite((req, res) =>
      req.path === "/apis/apps/v1" ? { status: 503, headers: {}, body: "unavailable" } : res,
    );
    expect(() => new RestClient(api).resolve("deploy")).toThrow(
      'the server doesn\'t have a resource type "deploy"',
    );
    // The /apis document no longer lists the group at all.
    setRewrite((req, res) => {
      if (req.path !== "/apis") return res;
      const doc = JSON.parse(res.body) as { groups: Array<{ name: string }> };
      doc.groups = doc.groups.filter((g) => g.name !== "apps");
      return { ...res, body: JSON.stringify(doc) };
    });
    expect(new RestClient(api).discover().some((r) => r.group === "apps")).toBe(false);
    setRewrite(null);
    expect(new RestClient(api).resolve("deploy").group).toBe("apps");
  });
});
