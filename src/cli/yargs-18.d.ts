// What yargs 18 offers beyond @types/yargs 17 (the newest types published), declared where we use it.
import 'yargs';

declare module 'yargs' {
  interface Argv {
    /** The options known in the current command's context, keyed by flag. */
    getOptions(): { key: Record<string, unknown> };
  }
}
