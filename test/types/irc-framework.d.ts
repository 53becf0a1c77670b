/** The part of irc-framework (no types of its own) the tests use. */
declare module 'irc-framework' {
  export interface ConnectOptions {
    host: string;
    port: number;
    nick: string;
    username?: string;
    gecos?: string;
    auto_reconnect?: boolean;
    enable_echomessage?: boolean;
  }
  export interface MessageEvent {
    nick: string;
    target: string;
    message: string;
    type: string;
    time?: number;
    tags: Record<string, string>;
  }
  export class Client {
    constructor(options?: Record<string, unknown>);
    connected: boolean;
    connect(options: ConnectOptions): void;
    join(channel: string, key?: string): void;
    say(target: string, message: string): void;
    raw(line: string): void;
    quit(message?: string): void;
    on(event: string, listener: (event: never) => void): this;
  }
}
