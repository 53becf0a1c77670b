import { CliError } from '../../cli/cli-error.js';
import { isValidName, NAME_RULE } from '../../protocol/names.js';
import { ROOMS_FAULTS } from '../../protocol/rooms-api.js';
import { formatColumns } from '../../text/table.js';
import { LineInput } from '../line-input.js';
import { Prompter } from '../prompter.js';
import { sanitizeForTerminal } from '../terminal-text.js';
import { credentialsPath, forgetRoom, ownerKeyFor, ticketFor } from './credentials.js';
import { createRoom, joinRoom } from './room-access.js';
import {
  type Admission,
  type CreatedRoom,
  type CreateOptions,
  type RoomInfo,
  type RoomSummary,
  type RoomsClient,
  RoomsFault,
} from './rooms-client.js';

/** The admin client's actions, shared by `thiscord rooms <action>` and its interactive mode. */
export class RoomsAdmin {
  constructor(
    private readonly client: RoomsClient,
    private readonly dataDir: string,
    private readonly out: (line: string) => void,
  ) {}

  async list(json: boolean): Promise<RoomSummary[]> {
    const rooms = await this.client.listRooms();
    if (json) this.out(JSON.stringify(rooms));
    else this.out(formatRoomList(rooms));
    return rooms;
  }

  async create(name: string, user: string, options: CreateOptions, json: boolean): Promise<CreatedRoom> {
    const created = await createRoom(this.client, this.dataDir, name, user, options);
    if (json) this.out(JSON.stringify(created));
    else {
      const traits = [
        created.private ? 'private' : 'public',
        created.unlisted ? 'unlisted' : '',
        created.room_expires_at ? `expires ${created.room_expires_at}` : '',
      ].filter(Boolean);
      this.out(`Created room ${created.room} (${traits.join(', ')}); ${user} owns it.`);
      this.describeAdmission(created);
    }
    return created;
  }

  async join(name: string, user: string, passphrase: string | undefined, json: boolean): Promise<Admission> {
    const admission = await joinRoom(this.client, this.dataDir, name, user, passphrase);
    if (json) this.out(JSON.stringify(admission));
    else {
      this.out(`Joined room ${admission.room} as ${admission.user}; members: ${admission.members.map(sanitizeForTerminal).join(', ')}.`);
      this.describeAdmission(admission);
    }
    return admission;
  }

  async info(name: string, user: string | undefined, json: boolean): Promise<RoomInfo> {
    const held = user ? ticketFor(this.dataDir, user, name) : undefined;
    const info = await this.client.roomInfo(name, held?.ticket);
    if (json) this.out(JSON.stringify(info));
    else {
      const rows: [string, string][] = [
        ['room', info.name],
        ['topic', info.topic || '-'],
        ['owner', info.owner],
        ['private', info.private ? 'yes' : 'no'],
        ['listed', info.unlisted ? 'no' : 'yes'],
        ['members', info.member_names ? `${info.members}: ${info.member_names.join(', ')}` : String(info.members)],
        ['created', info.created_at],
        ['expires', info.expires_at ?? 'never'],
      ];
      this.out(rows.map(([key, value]) => `${key.padEnd(8)} ${sanitizeForTerminal(value)}`).join('\n'));
    }
    return info;
  }

  async leave(name: string, user: string, json: boolean): Promise<void> {
    const held = ticketFor(this.dataDir, user, name);
    if (!held)
      throw new CliError(
        `${user} holds no ticket for room ${name} in ${credentialsPath(this.dataDir, user)}; join it first, or pass the right --user`,
      );
    const result = await this.client.leaveRoom(name, held.ticket);
    forgetRoom(this.dataDir, user, name);
    this.out(json ? JSON.stringify(result) : `${result.user} left room ${result.room}; ${result.members} member(s) remain.`);
  }

  async delete(name: string, user: string, json: boolean): Promise<void> {
    const result = await this.client.deleteRoom(name, this.ownerKey(name, user));
    forgetRoom(this.dataDir, user, name);
    this.out(json ? JSON.stringify(result) : `Deleted room ${result.room}.`);
  }

  async kick(name: string, user: string, target: string, json: boolean): Promise<void> {
    const result = await this.client.kick(name, this.ownerKey(name, user), target);
    this.out(json ? JSON.stringify(result) : `Kicked ${result.user} from room ${result.room}; ${result.members} member(s) remain.`);
  }

  private ownerKey(room: string, user: string): string {
    const key = ownerKeyFor(this.dataDir, user, room);
    if (!key)
      throw new CliError(
        `${user} holds no owner key for room ${room} in ${credentialsPath(this.dataDir, user)}; only the user who created it can do this (pass --user)`,
      );
    return key;
  }

  private describeAdmission(admission: Admission): void {
    this.out(`Ticket saved to ${credentialsPath(this.dataDir, admission.user)} (valid until ${admission.expires_at}).`);
    this.out(`Chat: npm run chat -- --user ${admission.user} --room ${admission.room}`);
  }
}

/** What the columns of a room list count: members and people online are not the same. */
export const ROOM_LIST_LEGEND = 'MEMBERS: who has joined (online or not); ONLINE: connected now, known for the rooms you are in';

/** The rooms as a table; with `onlineIn`, an ONLINE column too (a count where known, '-' elsewhere). */
export function formatRoomList(rooms: RoomSummary[], onlineIn?: (room: string) => number | undefined): string {
  if (rooms.length === 0) return 'No rooms yet. Create one: thiscord rooms create <name> --user <you>';
  return formatColumns(
    rooms.map((room) => [
      room.name,
      String(room.members),
      ...(onlineIn ? [String(onlineIn(room.name) ?? '-')] : []),
      room.private ? 'yes' : 'no',
      room.expires_at ?? '-',
      sanitizeForTerminal(room.topic || '-'),
    ]),
    { header: ['ROOM', 'MEMBERS', ...(onlineIn ? ['ONLINE'] : []), 'PRIVATE', 'EXPIRES', 'TOPIC'] },
  );
}

/** The seed's admin flow: list the rooms, ask for a name, join or create, print the outcome. */
export async function interactiveAdmin(
  admin: RoomsAdmin,
  preset: { user?: string | undefined; passphrase?: string | undefined },
): Promise<void> {
  const input = new LineInput();
  const prompter = new Prompter(input);
  try {
    const rooms = await admin.list(false);
    const user = preset.user ?? (await prompter.ask('Your user name: ', isValidName, `A name is ${NAME_RULE}.`));
    const action = (
      await prompter.ask('Join or create a room? [j/c]: ', (a) => /^(j|join|c|create)$/i.test(a), 'Answer j (join) or c (create).')
    ).toLowerCase();
    const room = await prompter.ask(
      action.startsWith('j') ? 'Room to join: ' : 'Name of the new room: ',
      isValidName,
      `A room name is ${NAME_RULE}.`,
    );
    if (action.startsWith('c')) {
      const passphrase = preset.passphrase ?? (await prompter.secret('Passphrase (empty for a public room): '));
      await admin.create(room, user, { passphrase: passphrase || undefined }, false);
      return;
    }
    const listed = rooms.find((r) => r.name.toLowerCase() === room.toLowerCase());
    const passphrase = preset.passphrase ?? (listed?.private ? await prompter.secret('Passphrase: ') : undefined);
    try {
      await admin.join(room, user, passphrase || undefined, false);
    } catch (error) {
      if (!(error instanceof RoomsFault) || error.code !== ROOMS_FAULTS.wrong_passphrase || passphrase) throw error;
      await admin.join(room, user, await prompter.secret('Passphrase: '), false);
    }
  } finally {
    input.close();
  }
}
