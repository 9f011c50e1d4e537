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

/**
 * A status error about one object, as apimachinery's NewNotFound, NewAlreadyExists, NewConflict
 * and NewForbidden build theirs: `message` words it around `resource.group "name"`.
 */
function objectError(
  code: number,
  reason: StatusReason,
  resource: string,
  group: string,
  name: string,
  message: (object: string) => string,
): ApiError {
  return new ApiError(
    code,
    reason,
    message(`${qualified(resource, group)} "${name}"`),
    details(resource, group, name),
  );
}

export function notFound(resource: string, group: string, name: string): ApiError {
  return objectError(404, "NotFound", resource, group, name, (o) => `${o} not found`);
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  return objectError(409, "AlreadyExists", resource, group, name, (o) => `${o} already exists`);
}

export function conflict(resource: string, group: string, name: string, why: string): ApiError {
  return objectError(
    409,
    "Conflict",
    resource,
    group,
    name,
    (o) => `Operation cannot be fulfilled on ${o}: ${why}`,
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
  return objectError(403, "Forbidden", resource, group, name, (o) => `${o} is forbidden: ${why}`);
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

/** The bare 404 the API server answers for a path it does not serve at all. */
export function pathNotFound(): ApiError {
  return new ApiError(404, "NotFound", "the server could not find the requested resource", {});
}
