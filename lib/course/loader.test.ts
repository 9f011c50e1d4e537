import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CourseContentError, loadCourse, parseLesson } from "./loader";

const courseDir = fileURLToPath(new URL("../../courses/kubernetes-basics", import.meta.url));

describe("the real course", () => {
  const course = loadCourse(courseDir);

  it("loads with titles in both languages", () => {
    expect(course.id).toBe("kubernetes-basics");
    expect(course.title.ja).toBe("Kubernetesの基礎");
    expect(course.lessons.length).toBeGreaterThan(0);
  });

  it("has module 3 built from the seed, starting from explore-app", () => {
    const lesson = course.lessons.find((l) => l.slug === "03-pods-and-nodes");
    expect(lesson?.scenario).toBe("explore-app");
    expect(lesson?.steps.map((s) => s.id)).toEqual(["check-app", "view-app", "view-logs", "exec"]);
    expect(lesson?.title).toEqual({ ja: "PodとNode", en: "Pods and Nodes" });
    expect(lesson?.steps[1]?.solution[0]).toEqual({ tab: "2", line: "kubectl proxy" });
  });

  it("lessons are in module order with unique ids", () => {
    const modules = course.lessons.map((l) => l.module);
    expect(modules).toEqual([...modules].sort((a, b) => a - b));
  });

  for (const lesson of course.lessons) {
    describe(lesson.slug, () => {
      it("every step has text in both languages, a check and a solution", () => {
        for (const step of lesson.steps) {
          expect(step.title.ja.length).toBeGreaterThan(0);
          expect(step.title.en.length).toBeGreaterThan(0);
          expect(step.body.ja).toMatch(/^## /);
          expect(step.body.en).toMatch(/^## /);
          expect(step.checks.length).toBeGreaterThan(0);
          expect(step.solution.length).toBeGreaterThan(0);
        }
      });

      it("the intro is the part before the first step and the Japanese text is Japanese", () => {
        expect(lesson.intro.ja).not.toContain("<!-- step:");
        expect(lesson.intro.ja).toMatch(/[\u3040-\u30ff]/);
        expect(lesson.intro.en).not.toMatch(/[\u3040-\u30ff]/);
      });

      it("every command in a step body's code blocks appears in the solution", () => {
        for (const step of lesson.steps) {
          const lines = step.solution.map((s) => s.line);
          for (const block of step.body.en.matchAll(/```\n([\s\S]*?)```/g)) {
            for (const line of (block[1] ?? "").split("\n").filter(Boolean)) {
              expect(lines, `${step.id}: ${line}`).toContain(line);
            }
          }
        }
      });
    });
  }
});

const lessonYaml = `
id: demo
module: 1
scenario: empty
steps:
  - id: one
    checks:
      - kind: command
        run: [kubectl, get, pods]
    solution: [kubectl get pods]
`;

const md = (id = "demo", marker = "one") => `---
id: ${id}
title: Demo
steps:
  - id: one
    title: One
---
Intro

<!-- step: ${marker} -->
## Step 1

Body
`;

function sources(overrides: { data?: string; ja?: string; en?: string } = {}) {
  return {
    slug: "01-demo",
    data: { file: "01-demo/lesson.yaml", text: overrides.data ?? lessonYaml },
    text: {
      ja: { file: "01-demo/ja.md", text: overrides.ja ?? md() },
      en: { file: "01-demo/en.md", text: overrides.en ?? md() },
    },
  };
}

describe("parseLesson", () => {
  it("splits intro and step sections", () => {
    const lesson = parseLesson(sources());
    expect(lesson.intro.en).toBe("Intro");
    expect(lesson.steps[0]?.body.en).toBe("## Step 1\n\nBody");
    expect(lesson.steps[0]?.solution).toEqual([{ tab: "1", line: "kubectl get pods" }]);
  });

  it("names the file when a check is malformed", () => {
    const bad = lessonYaml.replace("kind: command", "kind: comand");
    expect(() => parseLesson(sources({ data: bad }))).toThrow(/01-demo\/lesson\.yaml: steps\.0\.checks\.0/);
  });

  it("rejects a language file whose step markers differ", () => {
    expect(() => parseLesson(sources({ en: md("demo", "two") }))).toThrow(CourseContentError);
    expect(() => parseLesson(sources({ en: md("demo", "two") }))).toThrow(/01-demo\/en\.md: step markers/);
  });

  it("rejects a language file with another lesson id", () => {
    expect(() => parseLesson(sources({ ja: md("other") }))).toThrow(/01-demo\/ja\.md: id "other"/);
  });

  it("rejects missing front matter and a module that does not match the folder", () => {
    expect(() => parseLesson(sources({ ja: "# no front matter" }))).toThrow(
      /ja\.md: missing YAML front matter/,
    );
    expect(() => parseLesson(sources({ data: lessonYaml.replace("module: 1", "module: 2") }))).toThrow(
      /does not match folder/,
    );
  });
});
