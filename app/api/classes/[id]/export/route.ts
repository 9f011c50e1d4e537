import { gradebookCsv } from "@/lib/classroom/gradebook";
import { handle } from "@/lib/classroom/http";

/** The gradebook as CSV (UTF-8 with BOM), one row per student. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle(req, async (c) => {
    const { filename, body } = await gradebookCsv(c.prisma, c.actor, id, c.locale);
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="grades.csv"; filename*=UTF-8''${encodeURIComponent(filename)}`,
        "cache-control": "no-store",
      },
    });
  });
}
