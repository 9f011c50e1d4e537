/**
 * The layer rules of docs/adr/0002 as dependency-cruiser rules (`npm run arch`). dependency-cruiser
 * resolves every specifier the way TypeScript does — relative paths, the `@/` alias from
 * tsconfig.json, package names, `node:` built-ins, type-only imports and `import()` — so a rule
 * cannot be walked around by spelling an import differently. The clock and randomness rules
 * live in biome.json (overrides for the same folders). test/architecture proves each rule with
 * a fixture that must fail.
 */

/** The pure core. The second alternative lets test/architecture's fixtures stand in for it. */
const CORE = "^(?:test/architecture/fixtures/)?lib/(cluster|kubectl|shell|course|terminal)/";
const notTests = "\\.test\\.ts$";

/** Which core folders a core folder may import (besides itself): layers point down. */
const MAY_IMPORT = {
  cluster: [],
  kubectl: ["cluster"],
  shell: ["cluster", "kubectl"],
  terminal: ["cluster", "kubectl", "shell"],
  course: ["cluster", "kubectl", "shell", "terminal"],
};
const coreFolders = Object.keys(MAY_IMPORT);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-no-web-stack",
      comment:
        "The pure core imports no web framework, UI, database or socket library (docs/adr/0002): it must run in a test, the sim and the server alike.",
      severity: "error",
      from: { path: CORE, pathNot: notTests },
      to: {
        path: "(^|/)node_modules/(next|next-auth|next-intl|react|react-dom|@prisma/[^/]+|prisma|socket\\.io|socket\\.io-client|engine\\.io|pg|pg-[^/]+|ws|bcryptjs|cookie)/",
      },
    },
    {
      name: "core-no-servers",
      comment: "The pure core opens no sockets, servers, processes or threads.",
      severity: "error",
      from: { path: CORE, pathNot: notTests },
      to: {
        dependencyTypes: ["core"],
        path: "^(node:)?(http|https|http2|net|tls|dgram|child_process|worker_threads|cluster|timers|timers/promises|perf_hooks|crypto)$",
      },
    },
    {
      name: "core-reads-no-files",
      comment: "Only the course loader, at the edge of lib/course, reads files (the lessons).",
      severity: "error",
      from: { path: CORE, pathNot: [notTests, "^lib/course/loader\\.ts$"] },
      to: { dependencyTypes: ["core"], path: "^(node:)?fs(/|$)" },
    },
    {
      name: "core-no-upper-layers",
      comment:
        "The pure core imports nothing of the server, the pages, the entry scripts, the database layer or generated code.",
      severity: "error",
      from: { path: CORE, pathNot: notTests },
      to: {
        path: "^(server|app|scripts|components|bench|e2e|prisma|lib/classroom|lib/generated|lib/protocol)/|^lib/[^/]+\\.tsx?$",
      },
    },
    ...coreFolders.map((folder) => ({
      name: `core-layers-${folder}`,
      comment: `Layers point down: lib/${folder} may import ${MAY_IMPORT[folder].map((f) => `lib/${f}`).join(", ") || "no other core folder"}.`,
      severity: "error",
      from: { path: `^(?:test/architecture/fixtures/)?lib/${folder}/`, pathNot: notTests },
      to: {
        path: CORE,
        pathNot: `^(?:test/architecture/fixtures/)?lib/(${[folder, ...MAY_IMPORT[folder]].join("|")})/`,
      },
    })),
    {
      name: "no-cross-folder-cycles",
      comment:
        "No import cycle may run through files of different folders: a folder is a unit that can be read, tested and moved on its own.",
      severity: "error",
      from: { path: "^(.+)/[^/]+$" },
      to: { circular: true, via: { pathNot: "^$1/[^/]+$" } },
    },
    {
      name: "no-unresolvable",
      comment: "An import that does not resolve is a typo or a missing dependency.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "(^|/)node_modules/" },
    exclude: { path: "^(\\.next|lib/generated)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      archi: { collapsePattern: "^(lib/[^/]+|[^/]+)" },
    },
  },
};
