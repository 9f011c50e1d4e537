import { describe, expect, it } from "vitest";
import { v132Documents } from "../../server/openapi";
import { Cluster } from "../cluster";
import { registerOpenApiSource } from "../cluster/openapi";
import { ManualClock } from "../cluster/types";
import { wrapString } from "./cmd/explain";
import { runKubectl } from "./testing";

describe("explain's word wrap (go-wordwrap's WrapString)", () => {
  it("breaks before the word that would pass the limit, keeps inner double spaces", () => {
    expect(wrapString("aaa bbb ccc", 7)).toBe("aaa bbb\nccc");
    expect(wrapString("a string.  When used", 12)).toBe("a string.\nWhen used");
    expect(wrapString("int32 or a string.  When", 40)).toBe("int32 or a string.  When");
  });
  it("lets a word longer than the limit run on, on a line of its own", () => {
    expect(wrapString("More info: https://example.com/a/very/long/path", 12)).toBe(
      "More info:\nhttps://example.com/a/very/long/path",
    );
  });
  it("keeps the text's own line breaks", () => {
    expect(wrapString("one\n\ntwo", 76)).toBe("one\n\ntwo");
  });
});

describe("kubectl explain against the v1.32 OpenAPI v3 documents", () => {
  const setup = () => {
    registerOpenApiSource(v132Documents);
    const clock = new ManualClock(Date.parse("2026-11-30T03:00:00Z"));
    const cluster = Cluster.create({ scenario: "explore-app", seed: 1, clock });
    return (...args: string[]) => runKubectl(["explain", ...args], { api: cluster.handle, clock });
  };

  it("prints a primitive field as kubectl v1.32 does", async () => {
    const r = await setup()("deployment.spec.replicas");
    // captured from kubectl v1.32 against these documents
    expect(r.stdout).toBe(
      "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: replicas <integer>\n\n\nDESCRIPTION:\n    Number of desired pods. This is a pointer to distinguish between explicit\n    zero and not specified. Defaults to 1.\n    \n\n",
    );
    expect(r.code).toBe(0);
  });

  it("lists an array's element fields with -required- and the tree with --recursive", async () => {
    const explain = setup();
    const ports = await explain("pod.spec.containers.ports");
    expect(ports.stdout).toContain("FIELD: ports <[]ContainerPort>\n");
    expect(ports.stdout).toContain("  containerPort\t<integer> -required-\n");
    const tree = await explain("pod.spec.containers.resources", "--recursive");
    expect(tree.stdout).toContain(
      "FIELDS:\n  claims\t<[]ResourceClaim>\n    name\t<string> -required-\n    request\t<string>\n  limits\t<map[string]Quantity>\n  requests\t<map[string]Quantity>\n\n",
    );
  });

  it("names the missing field after the header", async () => {
    const r = await setup()("pod.spec.x");
    expect(r.stdout).toBe("KIND:       Pod\nVERSION:    v1\n\n");
    expect(r.stderr).toBe('error: field "x" does not exist\n');
    expect(r.code).toBe(1);
  });
});
