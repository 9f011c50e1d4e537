import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./login-throttle";

describe("LoginThrottle", () => {
  it("refuses after five failures in the window and allows again once it has passed", () => {
    let t = 0;
    const th = new LoginThrottle(() => t, 5, 60_000);
    for (let i = 0; i < 5; i++) {
      expect(th.allowed("a@example.com")).toBe(true);
      th.failed("a@example.com");
      t += 1000;
    }
    expect(th.allowed("a@example.com")).toBe(false);
    expect(th.allowed("b@example.com")).toBe(true);
    t += 60_000;
    expect(th.allowed("a@example.com")).toBe(true);
  });

  it("forgets failures after a successful login", () => {
    const th = new LoginThrottle(() => 0, 2, 60_000);
    th.failed("a");
    th.succeeded("a");
    th.failed("a");
    expect(th.allowed("a")).toBe(true);
  });
});
