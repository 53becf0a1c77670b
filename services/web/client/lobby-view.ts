import { sanitizeForTerminal } from '../../../src/clients/terminal-text.js';
import { isValidName, NAME_RULE } from '../../../src/protocol/names.js';
import { ApiError, api, type BrowserAdmission } from './api.js';
import { remaining } from './countdown.js';
import { clear, h } from './dom.js';
import { storage } from './storage.js';

/** Lifetimes offered when creating a room (the room service takes any number of seconds). */
const LIFETIMES: [string, number | undefined][] = [
  ['permanent', undefined],
  ['1 hour', 3600],
  ['1 day', 86_400],
  ['7 days', 7 * 86_400],
  ['30 days', 30 * 86_400],
];

export interface LobbyActions {
  /** The room service admitted `user` to a room: open it. */
  entered(admission: BrowserAdmission): void;
  /** Set when a chat is open behind the lobby. */
  backToChat?: () => void;
}

function field(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLLabelElement {
  return h('label', {}, h('span', {}, label), input);
}

function errorLine(): HTMLParagraphElement {
  return h('p', { class: 'error', role: 'alert' });
}

/**
 * The rooms screen: your name, the listed rooms, join by name (with a passphrase when the room
 * has one), create (passphrase, lifetime, unlisted). A shareable link /r/ROOM opens it with that
 * room's join form first.
 */
export function lobbyView(linkedRoom: string | undefined, actions: LobbyActions): HTMLElement {
  const user = h('input', { id: 'user', name: 'user', autocomplete: 'username', required: true, maxlength: '32', value: storage.user() });
  const list = h('ul', { class: 'rooms', 'aria-label': 'listed rooms' });
  const listError = errorLine();

  const name = (): string | undefined => {
    const value = user.value.trim();
    if (isValidName(value)) {
      storage.setUser(value);
      return value;
    }
    user.focus();
    return undefined;
  };

  const joinForm = (room?: string): HTMLFormElement => {
    const roomInput = h('input', { name: 'room', required: true, maxlength: '32', value: room ?? '', 'aria-label': 'room name' });
    const passphrase = h('input', { name: 'passphrase', type: 'password', autocomplete: 'off' });
    const passphraseField = field('Passphrase (if the room has one)', passphrase);
    const error = errorLine();
    const form = h(
      'form',
      { class: 'join', 'aria-label': room ? `join ${room}` : 'join a room by name' },
      room ? null : field('Room', roomInput),
      passphraseField,
      h('button', { type: 'submit' }, room ? `Join ${room}` : 'Join'),
      error,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const who = name();
      if (!who) return void (error.textContent = `Your name is ${NAME_RULE}.`);
      const target = roomInput.value.trim();
      if (!isValidName(target)) return void (error.textContent = `A room name is ${NAME_RULE}.`);
      error.textContent = '';
      const held = storage.admission(who, target);
      api
        .join(target, who, { passphrase: passphrase.value || undefined, ticket: passphrase.value ? undefined : held?.ticket })
        .then((admission) => actions.entered(admission))
        .catch((failure: unknown) => {
          error.textContent = failure instanceof ApiError ? failure.message : String(failure);
          if (failure instanceof ApiError && failure.code === 'wrong_passphrase') passphrase.focus();
        });
    });
    return form;
  };

  const createForm = (): HTMLFormElement => {
    const room = h('input', { name: 'name', required: true, maxlength: '32' });
    const passphrase = h('input', { name: 'passphrase', type: 'password', autocomplete: 'new-password' });
    const topic = h('input', { name: 'topic', maxlength: '200' });
    const lifetime = h('select', { name: 'lifetime' });
    for (const [label, seconds] of LIFETIMES) lifetime.append(h('option', { value: seconds === undefined ? '' : String(seconds) }, label));
    const unlisted = h('input', { name: 'unlisted', type: 'checkbox' });
    const error = errorLine();
    const form = h(
      'form',
      { class: 'create', 'aria-label': 'create a room' },
      field('Room name', room),
      field('Passphrase (optional: makes it private)', passphrase),
      field('Topic (optional)', topic),
      field('Lifetime', lifetime),
      h('label', { class: 'check' }, unlisted, h('span', {}, 'Unlisted (only people with the name or link find it)')),
      h('button', { type: 'submit' }, 'Create'),
      error,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const who = name();
      if (!who) return void (error.textContent = `Your name is ${NAME_RULE}.`);
      if (!isValidName(room.value.trim())) return void (error.textContent = `A room name is ${NAME_RULE}.`);
      error.textContent = '';
      api
        .create({
          name: room.value.trim(),
          user: who,
          ...(passphrase.value ? { passphrase: passphrase.value } : {}),
          ...(topic.value.trim() ? { topic: topic.value.trim() } : {}),
          ...(lifetime.value ? { ttl_seconds: Number(lifetime.value) } : {}),
          unlisted: unlisted.checked,
        })
        .then((created) => {
          storage.saveOwnerKey(who, created.room, created.owner_key);
          actions.entered(created);
        })
        .catch((failure: unknown) => void (error.textContent = failure instanceof ApiError ? failure.message : String(failure)));
    });
    return form;
  };

  const refresh = (): void => {
    api
      .list()
      .then((rooms) => {
        clear(list);
        listError.textContent = '';
        if (rooms.length === 0) list.append(h('li', {}, 'No listed rooms yet: create one below.'));
        for (const room of rooms) {
          const details = [
            `${room.members} member${room.members === 1 ? '' : 's'}`,
            room.private ? 'private' : '',
            room.expires_at ? `closes in ${remaining(Date.parse(room.expires_at) - Date.now())}` : '',
          ].filter(Boolean);
          const item = h(
            'li',
            {},
            h(
              'details',
              {},
              h('summary', {}, h('b', {}, room.name), ' ', h('span', { class: 'meta' }, details.join(' · '))),
              joinForm(room.name),
            ),
          );
          if (room.topic) item.querySelector('summary')?.append(' ', h('span', { class: 'topic' }, sanitizeForTerminal(room.topic)));
          list.append(item);
        }
      })
      .catch((failure: unknown) => void (listError.textContent = failure instanceof ApiError ? failure.message : String(failure)));
  };

  const refreshButton = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  refreshButton.addEventListener('click', refresh);
  const back = actions.backToChat ? h('button', { type: 'button' }, 'Back to chat') : null;
  back?.addEventListener('click', () => actions.backToChat?.());
  const mine = storage.user() ? storage.admissions(storage.user()) : [];
  const yours = h('ul', { class: 'rooms', 'aria-label': 'your rooms' });
  for (const admission of mine) yours.append(h('li', {}, joinForm(admission.room)));

  refresh();
  return h(
    'section',
    { class: 'lobby', 'aria-label': 'rooms' },
    back,
    h('form', { class: 'identity', 'aria-label': 'your name' }, field(`Your name (${NAME_RULE})`, user)),
    linkedRoom ? h('section', { class: 'linked' }, h('h2', {}, `Join ${linkedRoom}`), joinForm(linkedRoom)) : null,
    mine.length > 0 && !linkedRoom ? h('section', {}, h('h2', {}, 'Your rooms'), yours) : null,
    h('section', {}, h('h2', {}, 'Rooms'), refreshButton, listError, list),
    h('section', {}, h('h2', {}, 'Join by name'), joinForm()),
    h('section', {}, h('h2', {}, 'Create a room'), createForm()),
  );
}
