import { describe, expect, it, vi } from "vitest";
import { LOGIN_DB_TIMEOUT_MS, UNAVAILABLE, verifyCredentials } from "./auth";

const creds = { email: "student1@example.com", password: "student-demo" };

describe("verifyCredentials when the database misbehaves", () => {
  it("gives up on a hanging database after a few seconds with a plain error", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const t0 = Date.now();
    const hanging = () => new Promise<never>(() => {});
    await expect(verifyCredentials(creds, "192.0.2.1", hanging)).rejects.toThrow(
      new RegExp(`^${UNAVAILABLE}$`),
    );
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(LOGIN_DB_TIMEOUT_MS - 50);
    expect(waited).toBeLessThan(LOGIN_DB_TIMEOUT_MS + 2000);
    error.mockRestore();
  }, 15_000);

  it("never passes the driver's message to the login form", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = () =>
      Promise.reject(new Error("Invalid `prisma.user.findUnique()` invocation: Can't reach database server"));
    const err = await verifyCredentials(creds, "192.0.2.2", failing).catch((e: Error) => e);
    expect((err as Error).message).toBe(UNAVAILABLE);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });

  it("says how many seconds to wait once a client is throttled", async () => {
    const nobody = async () => null;
    for (let i = 0; i < 5; i++)
      expect(
        await verifyCredentials({ email: "victim@example.com", password: "guess" }, "198.51.100.1", nobody),
      ).toBeNull();
    await expect(
      verifyCredentials({ email: "victim@example.com", password: "guess" }, "198.51.100.1", nobody),
    ).rejects.toThrow(/^TooManyAttempts:\d+$/);
    // The same account from another client is still checked.
    expect(
      await verifyCredentials({ email: "victim@example.com", password: "guess" }, "192.0.2.3", nobody),
    ).toBeNull();
  });
});
