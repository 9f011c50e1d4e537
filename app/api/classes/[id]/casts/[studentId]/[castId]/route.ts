import { currentActor, errorResponse } from "@/lib/classroom/http";
import { castDownload } from "@/lib/classroom/live-pages";
import { sharedPool } from "@/lib/classroom/sql";
import { db } from "@/lib/db";

/** A student's terminal recording as an asciicast v2 file (`asciinema play` plays it). */
export async function GET(
  req: Request,
  { params }: { params: Promise<{ id: string; studentId: string; castId: string }> },
) {
  const { id, studentId, castId } = await params;
  try {
    if (!/^[a-z0-9]{1,40}$/.test(castId)) return new Response("not found", { status: 404 });
    const { file, student } = await castDownload(
      db(),
      sharedPool(),
      await currentActor(),
      id,
      studentId,
      castId,
    );
    const download = new URL(req.url).searchParams.has("download");
    const name = `${student.email.replace(/[^A-Za-z0-9._-]/g, "_")}-${castId}.cast`;
    return new Response(file.text, {
      headers: {
        "content-type": "application/x-asciicast; charset=utf-8",
        "cache-control": "private, no-store",
        ...(download ? { "content-disposition": `attachment; filename="${name}"` } : {}),
      },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
