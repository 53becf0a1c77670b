import { isValidName } from '../../../src/protocol/names.js';
import type { BrowserAdmission } from './api.js';
import { ChatView } from './chat-view.js';
import { clear } from './dom.js';
import { lobbyView } from './lobby-view.js';

/**
 * The page: the rooms screen, or a room's join form when opened from a shareable link
 * (/r/ROOM), then the chat screen. One chat (one hub connection) per page and user.
 */
const app = document.getElementById('app')!;
let chat: ChatView | undefined;

function showLobby(linkedRoom?: string): void {
  clear(app);
  app.append(lobbyView(linkedRoom, { entered, ...(chat ? { backToChat: showChat } : {}) }));
  if (!chat) history.replaceState(null, '', linkedRoom ? `/r/${linkedRoom}` : '/');
  (app.querySelector('.linked input, #user') as HTMLInputElement | null)?.focus();
}

function showChat(): void {
  if (!chat) return showLobby();
  clear(app);
  app.append(chat.element);
}

function entered(admission: BrowserAdmission): void {
  if (chat && chat.user.toLowerCase() !== admission.user.toLowerCase()) {
    chat.close();
    chat = undefined;
  }
  chat ??= new ChatView(admission.user, () => showLobby());
  showChat();
  chat.enter(admission);
}

const linked = /^\/r\/(.+)$/.exec(location.pathname)?.[1];
showLobby(isValidName(linked) ? linked : undefined);
