import { ApiError, fail } from "../client";
import { CREATE_FILE_FLAGS, createFromFiles } from "./apply";
import type { Command } from "./types";

function containerName(image: string): string {
  const noDigest = image.split("@")[0] ?? image;
  const last = noDigest.split("/").pop() ?? noDigest;
  return (last.split(":")[0] ?? last).replace(/[^a-z0-9-]/g, "-");
}

const createDeployment: Command = {
  name: "deployment",
  aliases: ["deploy"],
  short: "Create a deployment with the specified name",
  flags: [
    { name: "image", kind: "strings", def: "" },
    { name: "replicas", short: "r", kind: "int", def: "1" },
    { name: "port", kind: "int", def: "-1" },
    { name: "dry-run", kind: "string", def: "none" },
    { name: "output", short: "o", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    // cobra checks required flags before the command looks at its arguments
    const images = f.list("image");
    if (images.length === 0)
      // kubectl v1.32 reports cobra's required-flag error through util.CheckErr
      throw fail('required flag(s) "image" not set');
    const name = f.args[0];
    if (!name)
      throw fail(
        "exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples",
        1,
      );
    const labels = { app: name };
    const port = f.int("port");
    const containers = images.map((image) => ({
      name: containerName(image),
      image,
      ...(port >= 0 ? { ports: [{ containerPort: port }] } : {}),
      resources: {},
    }));
    const body = {
      kind: "Deployment",
      apiVersion: "apps/v1",
      metadata: { name, creationTimestamp: null, labels },
      spec: {
        replicas: f.int("replicas"),
        selector: { matchLabels: labels },
        template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
        strategy: {},
      },
      status: {},
    };
    if (f.str("dry-run") === "client") {
      ctx.out(`deployment.apps/${name} created (dry run)\n`);
      return 0;
    }
    try {
      ctx.client.json("POST", `/apis/apps/v1/namespaces/${ctx.namespace}/deployments`, {
        body,
        query: { fieldManager: "kubectl-create", fieldValidation: "Strict" },
      });
    } catch (e) {
      if (e instanceof ApiError) throw fail(`failed to create deployment: ${e.message}`);
      throw e;
    }
    ctx.out(`deployment.apps/${name} created\n`);
    return 0;
  },
};

const createNamespace: Command = {
  name: "namespace",
  aliases: ["ns"],
  short: "Create a namespace with the specified name",
  flags: [],
  async run(ctx, f) {
    const name = f.args[0];
    if (!name) throw fail("exactly one NAME is required, got 0");
    try {
      ctx.client.json("POST", "/api/v1/namespaces", {
        body: {
          kind: "Namespace",
          apiVersion: "v1",
          metadata: { name, creationTimestamp: null },
          spec: {},
          status: {},
        },
        query: { fieldManager: "kubectl-create", fieldValidation: "Strict" },
      });
    } catch (e) {
      if (e instanceof ApiError) throw e.toCmdError();
      throw e;
    }
    ctx.out(`namespace/${name} created\n`);
    return 0;
  },
};

export const createCommand: Command = {
  name: "create",
  short: "Create a resource from a file or from stdin",
  flags: [{ name: "filename", short: "f", kind: "strings", def: "" }, ...CREATE_FILE_FLAGS],
  sub: [createDeployment, createNamespace],
  async run(ctx, f) {
    if (f.list("filename").length === 0) {
      ctx.err("error: must specify one of -f and -k\n\n");
      return 1;
    }
    return createFromFiles(ctx, f);
  },
};
