/**
 * Guards a state-changing route handler against cross-site requests. A form or a `fetch` with
 * `text/plain` from another site needs no CORS preflight and carries the user's cookie, so such a
 * route accepts only `application/json` (which a foreign page cannot send without a preflight
 * this server never approves) and, when the browser says where the request came from (Origin,
 * Sec-Fetch-Site), only this site.
 */
export function crossSiteRefusal(req: Request, publicUrl = process.env.NEXTAUTH_URL): Response | null {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json")
    return Response.json({ error: "send the request as application/json" }, { status: 415 });
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none")
    return Response.json({ error: "cross-site request refused" }, { status: 403 });
  const origin = req.headers.get("origin");
  if (origin && !sameOrigin(origin, req.headers.get("host"), publicUrl))
    return Response.json({ error: "cross-site request refused" }, { status: 403 });
  return null;
}

/** Whether `origin` is this site: its public URL's origin, or an http(s) origin of the Host asked. */
export function sameOrigin(origin: string, host: string | null | undefined, publicUrl?: string): boolean {
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (publicUrl) {
    try {
      if (new URL(publicUrl).origin === o.origin) return true;
    } catch {
      // an invalid NEXTAUTH_URL matches nothing
    }
  }
  return !!host && (o.protocol === "http:" || o.protocol === "https:") && o.host === host.toLowerCase();
}
