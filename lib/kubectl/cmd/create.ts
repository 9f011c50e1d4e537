import { ApiError, fail, type Obj } from "../client";
import type { ParsedFlags } from "../flags";
import { CREATE_FILE_FLAGS, createFromFiles } from "./apply";
import { dryRunFlag, dryRunOf, dryRunQuery, printOutcome } from "./dryrun";
import type { Command, Ctx } from "./types";

/** The `NAME` argument of `kubectl create KIND NAME` (cmdutil's NameFromCommandArgs). */
export function oneName(f: ParsedFlags, sub: string): string {
  const name = f.args[0];
  if (f.args.length !== 1 || !name)
    throw fail(
      `exactly one NAME is required, got ${f.args.length}\nSee 'kubectl create ${sub} -h' for help and examples`,
    );
  return name;
}

/** POSTs what kubectl built (unless a client dry run) and prints the outcome as `created`. */
export function createAndPrint(
  ctx: Ctx,
  f: ParsedFlags,
  o: {
    path: string;
    body: Obj;
    prefix: string;
    name: string;
    fieldManager: string;
    wrap?: (e: ApiError) => Error;
  },
): number {
  const dryRun = dryRunOf(ctx, f);
  let obj = o.body;
  let typed = true;
  if (dryRun !== "client") {
    try {
      obj = ctx.client.json("POST", o.path, {
        body: o.body,
        query: { ...dryRunQuery(dryRun), fieldManager: o.fieldManager, fieldValidation: "Strict" },
      });
      typed = false;
    } catch (e) {
      if (e instanceof ApiError) throw o.wrap ? o.wrap(e) : e.toCmdError();
      throw e;
    }
  }
  printOutcome(ctx, f, { obj, prefix: o.prefix, name: o.name, operation: "created", dryRun, typed });
  return 0;
}

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
    dryRunFlag,
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "template", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    // cobra checks required flags before the command looks at its arguments
    const images = f.list("image");
    if (images.length === 0)
      // kubectl v1.32 reports cobra's required-flag error through util.CheckErr
      throw fail('required flag(s) "image" not set');
    const name = oneName(f, "deployment");
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
    return createAndPrint(ctx, f, {
      path: `/apis/apps/v1/namespaces/${ctx.namespace}/deployments`,
      body,
      prefix: "deployment.apps",
      name,
      fieldManager: "kubectl-create",
      wrap: (e) => fail(`failed to create deployment: ${e.message}`),
    });
  },
};

const createNamespace: Command = {
  name: "namespace",
  aliases: ["ns"],
  short: "Create a namespace with the specified name",
  flags: [
    dryRunFlag,
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "template", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    const name = oneName(f, "namespace");
    return createAndPrint(ctx, f, {
      path: "/api/v1/namespaces",
      body: {
        kind: "Namespace",
        apiVersion: "v1",
        metadata: { name, creationTimestamp: null },
        spec: {},
        status: {},
      },
      prefix: "namespace",
      name,
      fieldManager: "kubectl-create",
    });
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
