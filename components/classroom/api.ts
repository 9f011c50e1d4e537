/** The browser side of the classroom routes: JSON in, `{ ok, data | error }` out, never a throw. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: string; details?: unknown };

export async function callApi<T = unknown>(
  url: string,
  method: "POST" | "PATCH" | "PUT" | "DELETE",
  body?: unknown,
): Promise<ApiResult<T>> {
  try {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => null)) as (T & { error?: string; details?: unknown }) | null;
    if (!res.ok) return { ok: false, error: json?.error ?? `HTTP ${res.status}`, details: json?.details };
    return { ok: true, data: json as T };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
