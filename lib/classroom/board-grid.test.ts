import { describe, expect, it } from "vitest";
import { decodeBoardRow, withCellDone } from "./board-grid";

describe("board grid rows", () => {
  it("decodes codes and figures per column", () => {
    const cells = decodeBoardRow({ codes: "-dSD", stats: ",3.1.42,2.0.,5.2.7" });
    expect(cells).toEqual([
      { started: false, done: false, solutionShown: false, commands: 0, errors: 0, seconds: null },
      { started: true, done: true, solutionShown: false, commands: 3, errors: 1, seconds: 42 },
      { started: true, done: false, solutionShown: true, commands: 2, errors: 0, seconds: null },
      { started: true, done: true, solutionShown: true, commands: 5, errors: 2, seconds: 7 },
    ]);
  });

  it("ticks a cell done live and keeps the solution mark", () => {
    const row = {
      id: "u",
      name: "n",
      email: "e",
      codes: "-sS",
      stats: ",1.0.,1.0.",
      current: 1,
      since: 1_000,
    };
    expect(withCellDone(row, 0).codes).toBe("dsS");
    expect(withCellDone(row, 0).current).toBe(1);
    // Done with the step they were on: no "now on" until the next load says where they went.
    expect(withCellDone(row, 1)).toMatchObject({ codes: "-dS", current: null, since: null });
    expect(withCellDone(row, 2).codes).toBe("-sD");
    expect(withCellDone(row, 9)).toBe(row);
  });
});
