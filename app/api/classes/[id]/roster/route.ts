import { fields, handle } from "@/lib/classroom/http";
import { importRoster, previewRoster } from "@/lib/classroom/roster";

/** `{ csv, commit?: boolean }`: a preview, or the import (all rows or none) with its report. */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle(req, async (c) => {
    const f = fields(c.body);
    const csv = typeof f.csv === "string" ? f.csv : "";
    if (f.commit === true)
      return { imported: true, rows: await importRoster(c.prisma, c.actor, id, csv, c.links) };
    return { imported: false, rows: await previewRoster(c.prisma, c.actor, id, csv) };
  });
}
