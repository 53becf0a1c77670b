/**
 * A change refused because the disk holding the data dir is full. Nothing was changed, in memory
 * or on disk; the same change succeeds once space is freed (no restart needed).
 */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
}
