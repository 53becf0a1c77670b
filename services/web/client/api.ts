import type { Admission, CreatedRoom, RoomInfo, RoomSummary } from '../../../src/protocol/rooms-api.js';

/** A refusal from the room API: `code` is a room-service fault name (docs/web.md), `message` its sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type BrowserAdmission = Omit<Admission, 'hub'>;
export type BrowserCreatedRoom = Omit<CreatedRoom, 'hub'>;

async function call<T>(path: string, body?: Record<string, unknown>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(
      path,
      body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {},
    );
  } catch {
    throw new ApiError(0, 'offline', 'cannot reach the server; check the connection and try again');
  }
  const value = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!response.ok)
    throw new ApiError(response.status, value.error?.code ?? 'error', value.error?.message ?? `the server answered ${response.status}`);
  return value as T;
}

const room = (name: string, action: string): string => `/api/rooms/${encodeURIComponent(name)}/${action}`;

export const api = {
  list: () => call<{ rooms: RoomSummary[] }>('/api/rooms').then((answer) => answer.rooms),
  create: (options: { name: string; user: string; passphrase?: string; ttl_seconds?: number; unlisted?: boolean; topic?: string }) =>
    call<BrowserCreatedRoom>('/api/rooms', options),
  join: (name: string, user: string, proof: { passphrase?: string; ticket?: string }) =>
    call<BrowserAdmission>(room(name, 'join'), { user, ...proof }),
  info: (name: string, ticket?: string) => call<RoomInfo>(room(name, 'info'), ticket ? { ticket } : {}),
  leave: (name: string, ticket: string) => call<unknown>(room(name, 'leave'), { ticket }),
  kick: (name: string, ownerKey: string, user: string) => call<unknown>(room(name, 'kick'), { owner_key: ownerKey, user }),
  remove: (name: string, ownerKey: string) => call<unknown>(room(name, 'delete'), { owner_key: ownerKey }),
};
