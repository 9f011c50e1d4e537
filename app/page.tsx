import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth";
import { seesStudents } from "@/lib/classroom/access";

export default async function Home() {
  const user = await currentUser();
  if (!user) redirect("/login");
  redirect(seesStudents(user) ? "/teach" : "/learn");
}
