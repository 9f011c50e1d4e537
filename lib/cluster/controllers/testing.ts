/** Helpers shared by the controller tests. */
import { body, call, DEPLOY, type newCluster } from "../testing";

export { DEPLOY };

export function setImage(cluster: ReturnType<typeof newCluster>["cluster"], image: string) {
  return call(cluster, "PATCH", DEPLOY, {
    contentType: "application/strategic-merge-patch+json",
    body: {
      spec: {
        template: {
          spec: {
            $setElementOrder_containers: undefined,
            containers: [{ name: "kubernetes-bootcamp", image }],
          },
        },
      },
    },
  });
}

export function events(cluster: ReturnType<typeof newCluster>["cluster"], reason: string): string[] {
  return body(
    call(cluster, "GET", "/api/v1/namespaces/default/events", {
      query: { fieldSelector: `reason=${reason}` },
    }),
  ).items.map(
    (e: { message: string; count?: number }) => `${e.message}${e.count && e.count > 1 ? ` x${e.count}` : ""}`,
  );
}
