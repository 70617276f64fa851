/** Exit codes scripts can rely on, the same for every command (listed in each command's --help). */
export const EXIT = {
  OK: 0,
  /** decode: the input could not be read; demo, ue, ha: the run failed (attach refused, socket error). */
  INPUT: 1,
  FAILED: 1,
  /** Bad command-line usage, or an invalid config file (named with its line and key path). */
  USAGE: 2,
  /** decode: everything was read, but at least one packet was malformed (it is still printed, with the error). */
  MALFORMED: 3,
  /** demo, ue: the access asked for needs raw IP sockets, which this process cannot open. */
  RAW_SOCKETS: 4,
} as const;
