/**
 * A stopwatch of this process's CPU time (user + system), for tests that bound how much work
 * something does. Wall time is the wrong measure there: `npm test` runs the unit tests beside the
 * type checker and the integration suites on two cores, so a line that costs 300 ms of CPU can
 * take seconds of wall time, and a bound on wall time fails for reasons the test does not test.
 * Vitest runs each test file in a process of its own (the `forks` pool), so the figure is this
 * file's work alone.
 */
export function cpuClock(): () => number {
  const t0 = process.cpuUsage();
  return () => {
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / 1000;
  };
}
