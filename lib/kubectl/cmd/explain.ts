/** `kubectl explain`: the top-level fields of the resources the tutorial uses. */
import { fail } from "../client";
import type { Command } from "./types";

interface Doc {
  group: string;
  kind: string;
  version: string;
  description: string;
  fields: [string, string, string][];
}

const META: [string, string, string] = [
  "metadata",
  "<ObjectMeta>",
  "Standard object's metadata. More info:\n    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
];
const API_VERSION: [string, string, string] = [
  "apiVersion",
  "<string>",
  "APIVersion defines the versioned schema of this representation of an object.\n    Servers should convert recognized schemas to the latest internal value, and\n    may reject unrecognized values. More info:\n    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
];
const KIND: [string, string, string] = [
  "kind",
  "<string>",
  "Kind is a string value representing the REST resource this object represents.\n    Servers may infer this from the endpoint the client submits requests to.\n    Cannot be updated.\n    In CamelCase.\n    More info:\n    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
];

const DOCS: Record<string, Doc> = {
  Pod: {
    group: "",
    kind: "Pod",
    version: "v1",
    description:
      "Pod is a collection of containers that can run on a host. This resource is\n    created by clients and scheduled onto hosts.",
    fields: [
      API_VERSION,
      KIND,
      META,
      [
        "spec",
        "<PodSpec>",
        "Specification of the desired behavior of the pod. More info:\n    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
      ],
      [
        "status",
        "<PodStatus>",
        "Most recently observed status of the pod. This data may not be up to date.\n    Populated by the system. Read-only. More info:\n    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
      ],
    ],
  },
  Deployment: {
    group: "apps",
    kind: "Deployment",
    version: "v1",
    description: "Deployment enables declarative updates for Pods and ReplicaSets.",
    fields: [
      API_VERSION,
      KIND,
      META,
      ["spec", "<DeploymentSpec>", "Specification of the desired behavior of the Deployment."],
      ["status", "<DeploymentStatus>", "Most recently observed status of the Deployment."],
    ],
  },
  Service: {
    group: "",
    kind: "Service",
    version: "v1",
    description:
      "Service is a named abstraction of software service (for example, mysql)\n    consisting of local port (for example 3306) that the proxy listens on, and the\n    selector that determines which pods will answer requests sent through the\n    proxy.",
    fields: [
      API_VERSION,
      KIND,
      META,
      [
        "spec",
        "<ServiceSpec>",
        "Spec defines the behavior of a service.\n    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
      ],
      [
        "status",
        "<ServiceStatus>",
        "Most recently observed status of the service.\n    Populated by the system.\n    Read-only.\n    More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
      ],
    ],
  },
};

export const explainCommand: Command = {
  name: "explain",
  args: "resource",
  short: "Get documentation for a resource",
  flags: [
    { name: "recursive", kind: "bool", def: "false" },
    { name: "api-version", kind: "string", def: "" },
    { name: "output", short: "o", kind: "string", def: "plaintext" },
  ],
  async run(ctx, f) {
    const arg = f.args[0];
    if (!arg)
      throw fail(
        'You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n',
      );
    const [type = "", ...fieldPath] = arg.split(".");
    const info = ctx.client.resolve(type);
    const doc = DOCS[info.kind];
    if (!doc) throw fail(`explanation for ${info.kind} is not available in the classroom`);
    if (fieldPath.length > 0) {
      const fld = doc.fields.find(([n]) => n === fieldPath[0]);
      if (!fld || fieldPath.length > 1)
        throw fail(`field "${fieldPath[fieldPath.length - 1]}" does not exist`);
      ctx.out(
        `GROUP:      ${doc.group}\nKIND:       ${doc.kind}\nVERSION:    ${doc.version}\n\nFIELD: ${fld[0]} ${fld[1]}\n\nDESCRIPTION:\n    ${fld[2]}\n\n`,
      );
      return 0;
    }
    let out = doc.group ? `GROUP:      ${doc.group}\n` : "";
    out += `KIND:       ${doc.kind}\nVERSION:    ${doc.version}\n\nDESCRIPTION:\n    ${doc.description}\n    \nFIELDS:\n`;
    for (const [name, type, desc] of doc.fields) out += `  ${name}\t${type}\n    ${desc}\n\n`;
    ctx.out(out);
    return 0;
  },
};
