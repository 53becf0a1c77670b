/**
 * The IPC message a service sends its supervisor once its sockets are bound. Probes alone cannot
 * tell our process from another one answering on the same port; this message can.
 */
export const SERVICE_LISTENING = 'thiscord.listening';
