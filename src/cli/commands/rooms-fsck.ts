import { commonConfigFrom } from '../../config/options.js';
import { subcommand } from '../command.js';

/** `thiscord rooms fsck [--repair]`: check the room store as start-up does; on request, rebuild it from what checks out. */
export const roomsFsckCommand = subcommand(
  'fsck',
  'check the room store in the data dir (as the room service does at start-up); --repair rebuilds a damaged one',
  {
    builder: (yargs) =>
      yargs.option('repair', {
        type: 'boolean',
        default: false,
        describe: 'stop-the-service repair: keep a copy of the original files, rebuild from everything that checks out, list what is lost',
      }),
    handler: async (args) => {
      const { fsck } = await import('./room-store-admin.js');
      fsck(commonConfigFrom(args).dataDir, args.repair);
    },
  },
);
