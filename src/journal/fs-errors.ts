// The state folder's file-system failures in words an operator can act on:
// which path, what was being done, and what to do — never a bare ENOTDIR.
export class StateError extends Error {
  override name = 'StateError';
}

/** An error of the state folder (ENOTDIR, EISDIR, EACCES...) as a StateError naming the path; other errors as they are. */
export function stateError(err: unknown, path: string, what: string): Error {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const elsewhere = 'or pass --state-dir (or set RUNBOOK_STATE_DIR) to a folder you can write';
  switch (code) {
    case 'ENOTDIR':
      return new StateError(`${path}: cannot ${what}: part of this path is a file where a folder is expected; move that file away, ${elsewhere}`);
    case 'EISDIR':
      return new StateError(`${path}: cannot ${what}: it is a folder, where a file is expected; move the folder away`);
    case 'EACCES':
    case 'EPERM':
      return new StateError(`${path}: cannot ${what}: permission denied; give your user read and write access to it (chmod u+rw, and u+x for a folder), ${elsewhere}`);
    case 'EROFS':
      return new StateError(`${path}: cannot ${what}: the file system is read-only; ${elsewhere}`);
    case 'ENOSPC':
      return new StateError(`${path}: cannot ${what}: the disk is full; free some space (the run's journal must be written before anything runs)`);
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}

/** Runs a file-system call on the state folder; its failure names the path and what to do. */
export function onState<T>(path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw stateError(err, path, what);
  }
}
