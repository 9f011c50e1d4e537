import { signUpAndJoin } from "@/lib/classroom/classes";
import { ClassroomError } from "@/lib/classroom/errors";
import { handle } from "@/lib/classroom/http";
import { CLIENT_ADDRESS_HEADER } from "@/lib/login-throttle";
import { SignupThrottle } from "@/lib/signup-throttle";

const throttle = new SignupThrottle(() => Date.now());

/** Public: `{ name, email, password }` creates a student account enrolled in the class. */
export async function POST(req: Request, { params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return handle(req, async (c) => {
    const verdict = throttle.take(req.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown");
    if (!verdict.ok) throw ClassroomError.t("too_many", "tooManySignUps", { seconds: verdict.retryAfterS });
    const r = await signUpAndJoin(c.prisma, code, c.body, c.locale);
    return { email: r.email, classId: r.classId };
  });
}
