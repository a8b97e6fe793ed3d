/**
 * Named points between the steps of a job. Tests throw from `at` to stop a job exactly
 * there, as a `kill -9` would, and then check that recovery finishes or rolls it back.
 */
export type CrashPoint =
  | 'claim:journal-written'
  | 'claim:sidecar-moved'
  | 'claim:input-moved'
  | 'job:produced'
  | 'job:temps-written'
  | 'job:commit-journal-written'
  | 'job:first-move-done'
  | 'job:moves-done'
  /** Before a halted worker tries to write in `.work/` to see whether it can go on. */
  | 'watch:probe';

export interface JobHooks {
  at?(point: CrashPoint): void;
}
