// The data directory's typed errors: what recovery refuses to serve (and why, naming the file and
// offset), and a directory another process or instance already holds.

/** The files on disk do not prove a state: recovery stops rather than serve a guess. */
export class CorruptDataDirError extends Error {
  override readonly name = 'CorruptDataDirError';

  constructor(
    /** The file at fault, relative to the data directory. */
    readonly file: string,
    readonly problem: string,
    readonly offsetBytes: number | null = null,
  ) {
    super(`${file}${offsetBytes === null ? '' : ` at byte ${offsetBytes}`}: ${problem}`);
  }
}

/** The data directory is in use (its lock file names the holder). */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';

  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `data directory ${dataDir} is locked by process ${holderPid}` +
        (holderPid === process.pid ? ' (this process: another instance has it open)' : ''),
    );
  }
}
