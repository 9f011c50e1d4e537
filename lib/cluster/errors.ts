/** Typed API errors, rendered as the `Status` objects a real API server returns. */
export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "MethodNotAllowed"
  | "Gone"
  | "Expired"
  | "Forbidden"
  | "ServiceUnavailable"
  | "UnsupportedMediaType"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "InternalError"
  // the authentication and rate-limit filters' (server/kube-api/route.ts)
  | "Unauthorized"
  | "TooManyRequests";

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: Array<{ reason: string; message: string; field: string }>;
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason | "",
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    const s: Record<string, unknown> = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
    };
    if (this.reason) s["reason"] = this.reason;
    if (this.details) s["details"] = this.details;
    s["code"] = this.code;
    return s;
  }
}

function details(resource: string, group: string, name: string): StatusDetails {
  return group ? { name, group, kind: resource } : { name, kind: resource };
}

/** `resource` is the plural resource name (`pods`); `group` is "" for the core group. */
function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(resource: string, group: string, name: string): ApiError {
  return new ApiError(
    404,
    "NotFound",
    `${qualified(resource, group)} "${name}" not found`,
    details(resource, group, name),
  );
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  return new ApiError(
    409,
    "AlreadyExists",
    `${qualified(resource, group)} "${name}" already exists`,
    details(resource, group, name),
  );
}

export function conflict(resource: string, group: string, name: string, why: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": ${why}`,
    details(resource, group, name),
  );
}

export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: Array<{ field: string; message: string; reason?: string }>,
): ApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
  const msg = `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${causes.length > 1 ? `[${list}]` : list}`;
  // Go's StatusDetails omits an empty name (`kubectl create` of an object without one).
  return new ApiError(422, "Invalid", msg, {
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    kind,
    causes: causes.map((c) => ({
      reason: c.reason ?? "FieldValueInvalid",
      message: c.message,
      field: c.field,
    })),
  });
}

export function forbidden(resource: string, group: string, name: string, why: string): ApiError {
  return new ApiError(
    403,
    "Forbidden",
    `${qualified(resource, group)} "${name}" is forbidden: ${why}`,
    details(resource, group, name),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

/** The bare 404 the API server answers for a path it does not serve at all. */
export function pathNotFound(): ApiError {
  return new ApiError(404, "NotFound", "the server could not find the requested resource", {});
}
