/** Exit codes of the `watchingcat` command (documented in the README). */
export const EXIT = {
  OK: 0,
  /** The process failed at run time (a port in use, a directory not writable, …). */
  FAILURE: 1,
  /** Bad usage or an invalid configuration: nothing was started. */
  USAGE: 2,
  /** The command exists but is not available in this version yet. */
  UNAVAILABLE: 3,
} as const;
