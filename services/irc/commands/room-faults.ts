import { RoomsFault, RoomsUnreachableError } from '../../../src/clients/rooms/rooms-client.js';
import { ROOMS_FAULTS } from '../../../src/protocol/rooms-api.js';
import type { NumericName } from '../numerics.js';

/** The numeric for a room service refusal of a JOIN; the room service's own sentence goes with it. */
const JOIN_NUMERICS: Partial<Record<number, NumericName>> = {
  [ROOMS_FAULTS.wrong_passphrase]: 'ERR_BADCHANNELKEY',
  [ROOMS_FAULTS.too_many_attempts]: 'ERR_BADCHANNELKEY',
  [ROOMS_FAULTS.kicked]: 'ERR_BANNEDFROMCHAN',
  [ROOMS_FAULTS.name_taken]: 'ERR_UNAVAILRESOURCE',
  [ROOMS_FAULTS.no_such_room]: 'ERR_NOSUCHCHANNEL',
  [ROOMS_FAULTS.room_expired]: 'ERR_NOSUCHCHANNEL',
  [ROOMS_FAULTS.invalid_params]: 'ERR_BADCHANNAME',
};

export function joinRefusal(error: unknown): { numeric: NumericName; text: string } {
  if (error instanceof RoomsFault) return { numeric: JOIN_NUMERICS[error.code] ?? 'ERR_UNAVAILRESOURCE', text: error.message };
  if (error instanceof RoomsUnreachableError)
    return { numeric: 'ERR_UNAVAILRESOURCE', text: 'the room service is unavailable; try again shortly' };
  throw error;
}
