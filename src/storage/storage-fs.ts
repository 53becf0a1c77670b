import * as fs from 'node:fs';

/**
 * The file-system calls storage makes, gathered in one object so a test can stand between storage
 * and the disk: record the order of writes, fsyncs and renames, or answer a write short or with
 * ENOSPC. Production code always uses `nodeFs`.
 */
export type StorageFs = Pick<
  typeof fs,
  | 'openSync'
  | 'closeSync'
  | 'writeSync'
  | 'fsyncSync'
  | 'fdatasyncSync'
  | 'fdatasync'
  | 'ftruncateSync'
  | 'renameSync'
  | 'unlinkSync'
  | 'readFileSync'
  | 'fstatSync'
  | 'statfsSync'
>;

export const nodeFs: StorageFs = fs;

/** True for the errors a full disk (or an exhausted quota) gives. */
export function isNoSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
