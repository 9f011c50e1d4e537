/** The image registry as the node's docker daemon sees it: which references exist, their digests. */

export interface ImageInfo {
  /** Repository without tag as docker reports it in imageID (`gcr.io/google-samples/kubernetes-bootcamp`). */
  repository: string;
  digest: string;
  sizeBytes: number;
  /**
   * The behaviour the container runs: the bootcamp app, nginx's web server, busybox running
   * its command (a `while true; do echo …; sleep N; done` loop logs a line every N s), or a
   * system component that just runs.
   */
  app: "bootcamp" | "system" | "busybox" | "nginx";
  /** Bootcamp version answered in `v=N`. */
  version?: number;
  /** Milliseconds the first pull takes (shown as `in 6.777s`). */
  pullMs: number;
}

const BOOTCAMP_V1 = "sha256:0d6b8ee63bb57c5f5b6156f446b3bc3b3c143d233037f3a2f00e279c8fcc64af";
const BOOTCAMP_V2 = "sha256:fb1a3ced00cecfc1f83f18ab5cd14199e30adc1b49aa4244f5d65ad3f5feb2a5";
const BOOTCAMP_SIZE = 83642968;

const CATALOG: Record<string, ImageInfo> = {
  "gcr.io/google-samples/kubernetes-bootcamp:v1": {
    repository: "gcr.io/google-samples/kubernetes-bootcamp",
    digest: BOOTCAMP_V1,
    sizeBytes: BOOTCAMP_SIZE,
    app: "bootcamp",
    version: 1,
    pullMs: 6777,
  },
  "docker.io/jocatalin/kubernetes-bootcamp:v1": {
    repository: "jocatalin/kubernetes-bootcamp",
    digest: BOOTCAMP_V1,
    sizeBytes: BOOTCAMP_SIZE,
    app: "bootcamp",
    version: 1,
    pullMs: 6777,
  },
  "docker.io/jocatalin/kubernetes-bootcamp:v2": {
    repository: "jocatalin/kubernetes-bootcamp",
    digest: BOOTCAMP_V2,
    sizeBytes: BOOTCAMP_SIZE,
    app: "bootcamp",
    version: 2,
    pullMs: 6244,
  },
};

/**
 * Images beyond the tutorial's, as data: reference → what docker reports. Add an entry (and, for
 * a new behaviour, a case in app.ts) to make another image pullable.
 */
const EXTRA_IMAGES: Array<[string, Omit<ImageInfo, "repository">]> = [
  [
    // minikube's metrics-server addon (`minikube addons enable metrics-server`)
    "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
    {
      digest: "sha256:ffcb2bf004d6aa0a17d90e0247cf94f2865c8901dcab4427034c341951c239f9",
      sizeBytes: 67065208,
      app: "system",
      pullMs: 2911,
    },
  ],
  [
    "docker.io/library/busybox:latest",
    {
      digest: "sha256:a5d0ce49aa801d475da48f8cb163c354ab95cab073cd3c138bd458fc8257fbf1",
      sizeBytes: 4269694,
      app: "busybox",
      pullMs: 1412,
    },
  ],
  [
    "docker.io/library/busybox:1.37",
    {
      digest: "sha256:a5d0ce49aa801d475da48f8cb163c354ab95cab073cd3c138bd458fc8257fbf1",
      sizeBytes: 4269694,
      app: "busybox",
      pullMs: 1412,
    },
  ],
  [
    "docker.io/library/nginx:1.27",
    {
      digest: "sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a",
      sizeBytes: 191998640,
      app: "nginx",
      pullMs: 4873,
    },
  ],
];

for (const [ref, info] of EXTRA_IMAGES) {
  const repo = ref.slice(0, ref.lastIndexOf(":"));
  // docker reports official images without the `docker.io/library/` prefix.
  CATALOG[ref] = { repository: repo.replace(/^docker\.io\/library\//, ""), ...info };
}

/** Images minikube ships preloaded (the control plane and addons). */
export const SYSTEM_IMAGES: Array<[string, string, number]> = [
  [
    "registry.k8s.io/etcd:3.5.16-0",
    "sha256:a9e7e6b294baf1695fccb862d956c5d3ad8510e1e4ca1535f35dc09f247abbfc",
    150965000,
  ],
  [
    "registry.k8s.io/kube-apiserver:v1.32.0",
    "sha256:ebf80573666f86f115452db568feb34f6f771c3bdc7bfed14b9577f992cfa300",
    97035000,
  ],
  [
    "registry.k8s.io/kube-controller-manager:v1.32.0",
    "sha256:c8faedf1a5f3981ffade770c696b676d30613681a95be3287c1f7eec50e49b26",
    89716000,
  ],
  [
    "registry.k8s.io/kube-scheduler:v1.32.0",
    "sha256:84c998f7610b356a5eed24f801c01b273cf3e83f081f25c9b16aa8136c2cafb1",
    68452000,
  ],
  [
    "registry.k8s.io/kube-proxy:v1.32.0",
    "sha256:6aee00d0c7f4869144d1bdbbed7572cd55fd1a4d58fef5a21f53836054cb39b4",
    94959000,
  ],
  [
    "registry.k8s.io/coredns/coredns:v1.11.3",
    "sha256:9caabbf6238b189a65d0d6e6ac138de60d6a1c419e5a341fbbb7c78382559c6e",
    61753000,
  ],
  [
    "gcr.io/k8s-minikube/storage-provisioner:v5",
    "sha256:18eb69d1418e854ad5a19e399310e52808a8321e4c441c1dddad8977a0d7a944",
    31465472,
  ],
];

for (const [ref, digest, size] of SYSTEM_IMAGES) {
  CATALOG[ref] = {
    repository: ref.slice(0, ref.lastIndexOf(":")),
    digest,
    sizeBytes: size,
    app: "system",
    pullMs: 2000,
  };
}

/** `jocatalin/x:v2` and `docker.io/jocatalin/x:v2` are the same reference; no tag means `latest`. */
export function normalizeImage(ref: string): string {
  let r = ref;
  const lastSlash = r.lastIndexOf("/");
  if (!r.includes("@") && r.lastIndexOf(":") <= lastSlash) r = `${r}:latest`;
  const first = r.split("/")[0] ?? "";
  const hasRegistry =
    r.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasRegistry) r = r.includes("/") ? `docker.io/${r}` : `docker.io/library/${r}`;
  return r;
}

export function lookupImage(ref: string): ImageInfo | undefined {
  return CATALOG[normalizeImage(ref)];
}

/** `docker-pullable://repo@sha256:…` as the docker runtime reports imageID. */
export function imageID(ref: string): string {
  const info = lookupImage(ref);
  if (!info) return "";
  return `docker-pullable://${info.repository}@${info.digest}`;
}

/** What docker answers when the tag does not exist. */
export function pullError(ref: string): string {
  const r = ref.includes(":") ? ref : `${ref}:latest`;
  return `Error response from daemon: manifest for ${r} not found: manifest unknown: manifest unknown`;
}
