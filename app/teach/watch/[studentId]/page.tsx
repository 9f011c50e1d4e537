import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { TeachersOnly } from "@/components/TeachersOnly";
import { Topbar } from "@/components/Topbar";
import { WatchView } from "@/components/WatchView";
import { currentUser } from "@/lib/auth";
import { teachesStudent } from "@/lib/classroom/access";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/** A teacher looks over a student's shoulder: their terminal tabs, live and read-only. */
export default async function WatchPage({ params }: { params: Promise<{ studentId: string }> }) {
  const user = await currentUser();
  if (!user) redirect("/login");
  const { studentId } = await params;
  const t = await getTranslations("teach");
  if (!/^[a-z0-9]{1,40}$/.test(studentId) || !(await teachesStudent(db(), user, studentId))) {
    if (user.role !== "STUDENT") notFound();
    return <TeachersOnly user={user} />;
  }
  const student = await db().user.findUniqueOrThrow({ where: { id: studentId }, select: { name: true } });
  return (
    <>
      <Topbar user={user} />
      <WatchView
        studentId={studentId}
        labels={{ title: t("watching", { name: student.name }), idle: t("noTabs"), tab: t("tab") }}
      />
    </>
  );
}
