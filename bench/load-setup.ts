/**
 * Load benchmark set-up: a class of N students written straight into the test database (one
 * multi-row INSERT per table), then each student logged in over HTTP the way a browser does it
 * (next-auth's CSRF token, then the credentials callback), keeping the session cookie.
 */
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import pg from "pg";

export interface BenchClass {
  teacherId: string;
  classId: string;
  students: Array<{ id: string; email: string }>;
}

export const BENCH_PASSWORD = "bench-password";

function id(prefix: string): string {
  return `${prefix}${randomBytes(8).toString("hex")}`;
}

export async function seedClass(url: string, n: number): Promise<BenchClass> {
  // bcrypt's cost lives in the hash: cost 4 keeps N logins cheap without a special login path.
  const hash = await bcrypt.hash(BENCH_PASSWORD, 4);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const courseId = id("course");
    await c.query(
      `INSERT INTO "Course" (id, slug, "titleJa", "titleEn") VALUES ($1, 'kubernetes-basics', 'Kubernetes 基礎', 'Kubernetes Basics')
       ON CONFLICT (slug) DO NOTHING`,
      [courseId],
    );
    const course = await c.query<{ id: string }>(`SELECT id FROM "Course" WHERE slug = 'kubernetes-basics'`);
    const teacherId = id("teacher");
    await c.query(
      `INSERT INTO "User" (id, email, name, role, "passwordHash") VALUES ($1, $2, 'Bench Teacher', 'TEACHER', $3)`,
      [teacherId, `${teacherId}@bench.test`, hash],
    );
    const classId = id("class");
    await c.query(
      `INSERT INTO "Classroom" (id, name, "teacherId", "courseId") VALUES ($1, 'Bench', $2, $3)`,
      [classId, teacherId, course.rows[0]!.id],
    );
    const students = Array.from({ length: n }, (_, i) => {
      const sid = id("s");
      return { id: sid, email: `student${i}-${sid}@bench.test` };
    });
    await c.query(
      `INSERT INTO "User" (id, email, name, role, "passwordHash")
       SELECT id, email, 'Bench Student', 'STUDENT', $3 FROM unnest($1::text[], $2::text[]) AS t(id, email)`,
      [students.map((s) => s.id), students.map((s) => s.email), hash],
    );
    await c.query(`INSERT INTO "Enrollment" ("classId", "userId") SELECT $1, unnest($2::text[])`, [
      classId,
      students.map((s) => s.id),
    ]);
    return { teacherId, classId, students };
  } finally {
    await c.end();
  }
}

function cookiesOf(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of res.headers.getSetCookie()) {
    const [pair] = h.split(";");
    const eq = pair!.indexOf("=");
    out.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return out;
}

/** Logs one user in as the login page does; returns the Cookie header a browser would send. */
export async function login(base: string, email: string, password = BENCH_PASSWORD): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const jar = cookiesOf(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  await res.arrayBuffer();
  const session = cookiesOf(res).get("next-auth.session-token");
  if (!session) throw new Error(`login of ${email} failed: HTTP ${res.status}`);
  return `next-auth.session-token=${session}`;
}

/** Logs all users in, `concurrency` at a time (as a class arriving over a few seconds). */
export async function loginAll(base: string, emails: string[], concurrency = 8): Promise<string[]> {
  const cookies: string[] = new Array(emails.length);
  let next = 0;
  const worker = async () => {
    while (next < emails.length) {
      const i = next++;
      // A login refused while the machine is saturated (the account lookup has a time-out) is
      // tried again: the benchmark measures the class, not the login form.
      for (let attempt = 1; ; attempt++) {
        try {
          cookies[i] = await login(base, emails[i]!);
          break;
        } catch (err) {
          if (attempt >= 3) throw err;
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return cookies;
}
