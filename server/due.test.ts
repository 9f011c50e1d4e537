import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Deadlines, whileRooms } from "./due";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Deadlines", () => {
  it("keeps many owners' deadlines behind one timer, armed only while one is set", () => {
    const d = new Deadlines<string>(100);
    const ran: string[] = [];
    expect(vi.getTimerCount()).toBe(0);
    for (let i = 0; i < 50; i++) d.set(`w${i}`, Date.now() + 10_000 + i, () => ran.push(`w${i}`));
    expect(vi.getTimerCount()).toBe(1);
    // Moving a deadline later (a line typed) arms nothing.
    d.set("w0", Date.now() + 20_000, () => ran.push("w0"));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10_000);
    // Nothing runs early (w0, the timer's first deadline, moved later).
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(100);
    // w1 … w49 fall within the slack of one another: one wake-up runs them.
    expect(ran.length).toBe(49);
    expect(ran).not.toContain("w0");
    vi.advanceTimersByTime(10_000);
    expect(ran).toContain("w0");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("an earlier deadline re-arms the timer; a deleted one never runs", () => {
    const d = new Deadlines<string>(0);
    const ran: string[] = [];
    d.set("late", Date.now() + 60_000, () => ran.push("late"));
    d.set("soon", Date.now() + 1000, () => ran.push("soon"));
    d.set("gone", Date.now() + 500, () => ran.push("gone"));
    d.delete("gone");
    vi.advanceTimersByTime(1000);
    expect(ran).toEqual(["soon"]);
    vi.advanceTimersByTime(59_000);
    expect(ran).toEqual(["soon", "late"]);
    expect(d.armed).toBe(false);
  });
});

describe("whileRooms", () => {
  it("ticks only while a room with the prefix exists", async () => {
    const adapter = Object.assign(new EventEmitter(), { rooms: new Map<string, unknown>() });
    let runs = 0;
    const sweep = whileRooms(adapter, "live:", 1000, async () => {
      runs++;
    });
    adapter.rooms.set("user:a", new Set());
    adapter.emit("create-room", "user:a");
    expect(vi.getTimerCount()).toBe(0);
    adapter.emit("create-room", "live:c1");
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(3);
    adapter.emit("delete-room", "live:c1");
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(3);
    sweep.close();
  });
});
