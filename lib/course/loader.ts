/**
 * Loads a course folder (see courses/README.md) into typed, validated data. This is the only
 * file in lib/course that touches the file system; parsing is split out so it can be tested
 * on strings.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import {
  type Course,
  courseFileSchema,
  LANGS,
  type Lang,
  type Lesson,
  type Localized,
  lessonDataSchema,
  lessonTextSchema,
  type SolutionLine,
  type Step,
} from "./schema";

export class CourseContentError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "CourseContentError";
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

function validate<T>(schema: z.ZodType<T>, data: unknown, file: string): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new CourseContentError(file, describeIssues(result.error));
  return result.data;
}

function parseYamlFile(text: string, file: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new CourseContentError(file, `invalid YAML: ${(error as Error).message}`);
  }
}

/** Splits `---\n<yaml>\n---\n<markdown>`. */
export function splitFrontMatter(text: string, file: string): { data: unknown; body: string } {
  const normalized = text.replace(/\r\n/g, "\n");
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(normalized);
  if (!match) throw new CourseContentError(file, "missing YAML front matter (--- … ---)");
  return { data: parseYamlFile(match[1] ?? "", file), body: normalized.slice(match[0].length) };
}

const STEP_MARKER = /^<!--\s*step:\s*([a-z0-9-]+)\s*-->\s*$/gm;

/** Cuts a lesson body at its `<!-- step: ID -->` markers. */
export function splitSteps(body: string, file: string): { intro: string; sections: Map<string, string> } {
  const marks = [...body.matchAll(STEP_MARKER)].map((m) => ({ id: m[1] ?? "", at: m.index }));
  const sections = new Map<string, string>();
  for (const [i, mark] of marks.entries()) {
    if (sections.has(mark.id)) throw new CourseContentError(file, `step marker "${mark.id}" appears twice`);
    const end = marks[i + 1]?.at ?? body.length;
    const section = body.slice(mark.at, end).replace(STEP_MARKER, "").trim();
    sections.set(mark.id, section);
  }
  const intro = body.slice(0, marks[0]?.at ?? body.length).trim();
  return { intro, sections };
}

export interface LessonSources {
  slug: string;
  data: { file: string; text: string };
  text: Record<Lang, { file: string; text: string }>;
}

/** Builds a lesson from the texts of `lesson.yaml`, `ja.md` and `en.md`. */
export function parseLesson(src: LessonSources): Lesson {
  const data = validate(lessonDataSchema, parseYamlFile(src.data.text, src.data.file), src.data.file);
  const dataIds = data.steps.map((s) => s.id);
  if (new Set(dataIds).size !== dataIds.length) {
    throw new CourseContentError(src.data.file, "step ids must be unique");
  }
  const moduleFromSlug = Number(src.slug.slice(0, 2));
  if (moduleFromSlug !== data.module) {
    throw new CourseContentError(src.data.file, `module ${data.module} does not match folder ${src.slug}`);
  }

  const texts = {} as Record<
    Lang,
    {
      title: string;
      body: string;
      intro: string;
      steps: Map<string, { title: string; hint?: string; body: string }>;
    }
  >;
  for (const lang of LANGS) {
    const { file, text } = src.text[lang];
    const fm = splitFrontMatter(text, file);
    const front = validate(lessonTextSchema, fm.data, file);
    if (front.id !== data.id) {
      throw new CourseContentError(file, `id "${front.id}" does not match lesson.yaml id "${data.id}"`);
    }
    const textIds = front.steps.map((s) => s.id);
    if (textIds.join(",") !== dataIds.join(",")) {
      throw new CourseContentError(
        file,
        `step ids [${textIds.join(", ")}] differ from lesson.yaml [${dataIds.join(", ")}] (same ids, same order)`,
      );
    }
    const { intro, sections } = splitSteps(fm.body, file);
    const markerIds = [...sections.keys()];
    if (markerIds.join(",") !== dataIds.join(",")) {
      throw new CourseContentError(
        file,
        `step markers [${markerIds.join(", ")}] differ from the steps [${dataIds.join(", ")}] (one <!-- step: ID --> per step, in order)`,
      );
    }
    const steps = new Map<string, { title: string; hint?: string; body: string }>();
    for (const s of front.steps) {
      steps.set(s.id, {
        title: s.title,
        ...(s.hint ? { hint: s.hint } : {}),
        body: sections.get(s.id) ?? "",
      });
    }
    texts[lang] = { title: front.title, body: fm.body.trim(), intro, steps };
  }

  const both = (pick: (lang: Lang) => string): Localized => ({ ja: pick("ja"), en: pick("en") });
  const steps: Step[] = data.steps.map((s) => {
    const ja = texts.ja.steps.get(s.id)!;
    const en = texts.en.steps.get(s.id)!;
    if ((ja.hint === undefined) !== (en.hint === undefined)) {
      throw new CourseContentError(src.data.file, `step "${s.id}" has a hint in only one language`);
    }
    const solution: SolutionLine[] = s.solution.map((l) =>
      typeof l === "string" ? { tab: "1", line: l } : { tab: l.tab, line: l.line },
    );
    return {
      id: s.id,
      title: { ja: ja.title, en: en.title },
      ...(ja.hint !== undefined && en.hint !== undefined ? { hint: { ja: ja.hint, en: en.hint } } : {}),
      body: { ja: ja.body, en: en.body },
      checks: s.checks,
      solution,
    };
  });

  return {
    id: data.id,
    module: data.module,
    slug: src.slug,
    scenario: data.scenario,
    title: both((l) => texts[l].title),
    body: both((l) => texts[l].body),
    intro: both((l) => texts[l].intro),
    steps,
  };
}

function read(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new CourseContentError(file, `cannot read: ${(error as Error).message}`);
  }
}

/** Reads `course.yaml` and every lesson folder it lists; throws CourseContentError on bad content. */
export function loadCourse(dir: string): Course {
  const courseFile = join(dir, "course.yaml");
  const course = validate(courseFileSchema, parseYamlFile(read(courseFile), courseFile), courseFile);
  const lessons = course.lessons.map((slug) => {
    const at = (name: string) => {
      const file = join(dir, slug, name);
      return { file, text: read(file) };
    };
    return parseLesson({ slug, data: at("lesson.yaml"), text: { ja: at("ja.md"), en: at("en.md") } });
  });
  const ids = lessons.map((l) => l.id);
  if (new Set(ids).size !== ids.length) throw new CourseContentError(courseFile, "lesson ids must be unique");
  return {
    id: course.id,
    title: course.title,
    lessons,
    workstation: course.workstation ?? { user: "student", host: "minikube" },
  };
}
