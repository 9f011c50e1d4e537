import { notFound, redirect } from "next/navigation";
import { getLocale } from "next-intl/server";
import { LessonView } from "@/components/LessonView";
import { Topbar } from "@/components/Topbar";
import { currentUser } from "@/lib/auth";
import { getCourse, getLesson } from "@/lib/classroom/course";
import { renderLessonMarkdown as html } from "@/lib/classroom/markdown";
import { lessonProgress } from "@/lib/classroom/progress";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default async function LessonPage({ params }: { params: Promise<{ lessonId: string }> }) {
  const user = await currentUser();
  if (!user) redirect("/login");
  const { lessonId } = await params;
  const course = getCourse();
  const lesson = getLesson(course.id, lessonId);
  if (!lesson) notFound();
  const lang = (await getLocale()) === "en" ? "en" : "ja";
  const done = await lessonProgress(db(), user.id, course.id, lesson.id);
  const firstOpen = lesson.steps.find((s) => !done.has(s.id))?.id ?? null;
  return (
    <>
      <Topbar user={user} />
      <LessonView
        courseSlug={course.id}
        lessonId={lesson.id}
        title={lesson.title[lang]}
        introHtml={html(lesson.intro[lang], lang)}
        steps={lesson.steps.map((s) => ({
          id: s.id,
          title: s.title[lang],
          html: html(s.body[lang], lang),
          ...(s.hint ? { hint: s.hint[lang] } : {}),
          solution: s.solution.map((l) => ({ tab: l.tab, line: l.line })),
        }))}
        initial={{
          lessonId: lesson.id,
          current: firstOpen,
          steps: lesson.steps.map((s) => ({ id: s.id, done: done.has(s.id), missing: [] })),
        }}
      />
    </>
  );
}
