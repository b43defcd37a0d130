/**
 * The suite fails on any contract, OAuth scope or ADF schema violation that a
 * Jira simulator created by a test records: after each test, every simulator
 * of this test file is checked for violations not reported before. A
 * simulator created with `violationsExpected: true` (a test that provokes
 * violations on purpose and asserts them itself) is left out.
 */
import { simulatorsCreated, type Violation } from '../../dev/jira-sim';

const reported = new WeakSet<Violation>();

afterEach(() => {
  const problems: string[] = [];
  for (const sim of simulatorsCreated()) {
    if (sim.violationsExpected) continue;
    const lists: Array<[string, Violation[]]> = [['contract', sim.violations], ['scope', sim.scopeViolations], ['ADF schema', sim.adfViolations]];
    for (const [kind, list] of lists) {
      for (const v of list) {
        if (reported.has(v)) continue;
        reported.add(v);
        problems.push(`${kind} violation: ${v.method} ${v.path}: ${v.problems.join('; ')}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`The Jira simulator recorded ${problems.length} violation(s) in this test (see dev/jira-sim/README.md):\n${problems.join('\n')}`);
  }
});
