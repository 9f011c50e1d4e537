/**
 * The shapes of course content, validated with zod when a course is loaded. Checks are data
 * (see courses/README.md): the engine in ./checks.ts interprets them and never runs lesson code.
 */
import { z } from "zod";

export const localizedSchema = z.object({ ja: z.string().min(1), en: z.string().min(1) }).strict();
export type Localized = z.infer<typeof localizedSchema>;

const argvPattern = z.array(z.string().min(1)).min(1);

/** A value predicate on what a dotted path resolves to. */
const predicateFields = {
  /** Dotted path with `[0]`, `[*]` and `["key"]` segments, e.g. `items[*].spec.containers[0].image`. */
  path: z.string().min(1),
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  /** Regular expression the value (as a string) must match. */
  matches: z.string().optional(),
};

const whereSchema = z
  .object(predicateFields)
  .strict()
  .refine((w) => w.equals !== undefined || w.matches !== undefined, {
    message: "where needs `equals` or `matches`",
  });

export const stateExpectSchema = z
  .object({
    /** The object exists (200) or not (404). */
    exists: z.boolean().optional(),
    path: z.string().min(1).optional(),
    equals: predicateFields.equals,
    matches: predicateFields.matches,
    /** With `[*]` in the path: one matching value is enough (default: every value must match). */
    some: z.boolean().optional(),
    /** Number of `items` in a list response (after `where`). */
    count: z.number().int().nonnegative().optional(),
    /** At least this many `items` (after `where`). */
    min: z.number().int().nonnegative().optional(),
    where: whereSchema.optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const modes = [
      e.exists !== undefined,
      e.count !== undefined || e.min !== undefined,
      e.path !== undefined,
    ].filter(Boolean).length;
    if (modes !== 1) {
      ctx.addIssue({ code: "custom", message: "expect needs exactly one of: exists | count/min | path" });
    }
    if (e.path !== undefined && e.equals === undefined && e.matches === undefined) {
      ctx.addIssue({ code: "custom", message: "expect.path needs `equals` or `matches`" });
    }
    if (e.where !== undefined && e.count === undefined && e.min === undefined) {
      ctx.addIssue({ code: "custom", message: "expect.where only goes with count/min" });
    }
  });
export type StateExpect = z.infer<typeof stateExpectSchema>;

const explain = localizedSchema.optional();

export const commandCheckSchema = z
  .object({
    kind: z.literal("command"),
    /** argv pattern; placeholders `<pod>`, `<any>`, `<*>`; a final `...` allows more positionals. */
    run: argvPattern,
    /** Required exit status of the line; "nonzero" for "it must have failed". */
    exitCode: z.union([z.number().int().min(0).max(255), z.literal("nonzero")]).optional(),
    /** Extra flags on the learner's command make it not count (default: extra flags are fine). */
    exact: z.boolean().optional(),
    explain,
  })
  .strict();

export const outputCheckSchema = z
  .object({
    kind: z.literal("output"),
    /** Regular expression searched in a finished line's output. */
    pattern: z.string().min(1),
    /** Only lines that ran a command matching this argv pattern count. */
    run: argvPattern.optional(),
    /** Number of such lines needed (default 1). */
    times: z.number().int().positive().optional(),
    explain,
  })
  .strict();

export const stateCheckSchema = z
  .object({
    kind: z.literal("state"),
    /** API path, e.g. `/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp`. */
    get: z.string().startsWith("/"),
    labelSelector: z.string().optional(),
    fieldSelector: z.string().optional(),
    expect: stateExpectSchema,
    explain,
  })
  .strict();

export type CommandCheck = z.infer<typeof commandCheckSchema>;
export type OutputCheck = z.infer<typeof outputCheckSchema>;
export type StateCheck = z.infer<typeof stateCheckSchema>;
export type AnyOfCheck = { kind: "anyOf"; checks: Check[]; explain?: Localized | undefined };
export type Check = CommandCheck | OutputCheck | StateCheck | AnyOfCheck;

export const checkSchema: z.ZodType<Check> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    commandCheckSchema,
    outputCheckSchema,
    stateCheckSchema,
    z.object({ kind: z.literal("anyOf"), checks: z.array(checkSchema).min(2), explain }).strict(),
  ]),
);

/** A line typed into a terminal tab while replaying a solution ("1" is the first tab). */
export const solutionLineSchema = z.union([
  z.string().min(1),
  z.object({ line: z.string().min(1), tab: z.string().min(1) }).strict(),
]);

/** `lesson.yaml`: everything about a lesson that does not depend on the language. */
export const lessonDataSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    module: z.number().int().positive(),
    scenario: z.string().min(1),
    steps: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9-]+$/),
            checks: z.array(checkSchema).min(1),
            solution: z.array(solutionLineSchema).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** Front matter of `ja.md` / `en.md`: text only. */
export const lessonTextSchema = z
  .object({
    id: z.string().min(1),
    title: z.string().min(1),
    steps: z
      .array(
        z
          .object({ id: z.string().min(1), title: z.string().min(1), hint: z.string().min(1).optional() })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const courseFileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: localizedSchema,
    /** Lesson folder names in teaching order; `03a-…` is an extra lesson of module 3. */
    lessons: z.array(z.string().regex(/^\d\d[a-z]?-[a-z0-9-]+$/)).min(1),
    /** The learner's workstation: the prompt shows `user@host:~$`. */
    workstation: z
      .object({
        user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/),
        host: z.string().regex(/^[a-z0-9-]{1,63}$/),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Lang = "ja" | "en";
export const LANGS: readonly Lang[] = ["ja", "en"];

export interface SolutionLine {
  /** Terminal tab the line is typed into ("1" unless the lesson says otherwise). */
  tab: string;
  line: string;
}

export interface Step {
  id: string;
  title: Localized;
  hint?: Localized;
  /** The Markdown of this step's section (from its marker to the next one). */
  body: Localized;
  checks: Check[];
  /** The same commands in both languages. */
  solution: SolutionLine[];
}

export interface Lesson {
  id: string;
  module: number;
  /** Folder name, e.g. `03-pods-and-nodes`. */
  slug: string;
  /** Start state of the simulated cluster. */
  scenario: string;
  title: Localized;
  /** The whole Markdown without front matter. */
  body: Localized;
  /** The Markdown before the first step marker (concepts). */
  intro: Localized;
  steps: Step[];
}

export interface Course {
  id: string;
  title: Localized;
  lessons: Lesson[];
  /** User and host of the learner's shell prompt (default student@minikube). */
  workstation: { user: string; host: string };
}
