// Public surface of @zoo/sim: run a whole Zoo ensemble and its clients on virtual time from a
// seed, with faults, and check the history (linearizability, ZAB's invariants, ZooKeeper's
// session guarantees, recipe invariants).

export { SeededRandom } from '@zoo/server/internals';
export { simulate, simTickMs, simSessionTimeoutMs } from './simulate.js';
export { drawSchedule, scenarioArbitrary, scheduleArbitrary } from './arbitraries.js';
export type { ScenarioBase } from './arbitraries.js';
export { faultKinds, faultProfiles } from './scenario.js';
export { profileWeights } from './nemesis/fault-profiles.js';
export { recipeBugs } from './workload/planted-recipe-bugs.js';
export type { RecipeBug } from './workload/planted-recipe-bugs.js';
export type {
  CrashWindow,
  Fault,
  FaultKind,
  FaultProfile,
  FaultStep,
  Scenario,
  SimResult,
  SimStats,
  TimelineEntry,
} from './scenario.js';
export type {
  CounterIncrement,
  FencedWrite,
  History,
  IdGrant,
  LockHold,
  Outcome,
  RegisterState,
  ServerEvent,
  Violation,
  ZnodeCall,
  ZnodeOp,
} from './history/history.js';
export { checkLinearizability } from './checkers/linearizability.js';
export { checkSessionOrder } from './checkers/session-order.js';
export { checkZabInvariants } from './checkers/zab-invariants.js';
export { checkRecipes } from './checkers/recipe-invariants.js';
export { describeFault } from './nemesis/describe-fault.js';
export { runSimCli } from './cli/sim-cli.js';
export { writeReport, readScenario } from './report/write-report.js';
export { renderTimelineHtml } from './report/timeline-html.js';
