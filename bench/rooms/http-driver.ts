import net from 'node:net';

/**
 * A minimal keep-alive HTTP client for the benchmark: one request in flight per connection,
 * responses read by Content-Length. Node's http client costs more per call than a fast server
 * does, which would cap every server at the client's speed; this one keeps the driver out of the
 * way. It reconnects when the server closes after a response (Python's HTTP/1.0 server does).
 */
export class RawHttpClient {
  private socket: net.Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (body: string) => void; reject: (error: Error) => void } | null = null;

  constructor(private readonly port: number) {}

  call(body: string): Promise<string> {
    const socket = (this.socket ??= this.connect());
    const promise = new Promise<string>((resolve, reject) => (this.waiting = { resolve, reject }));
    socket.write(
      `POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    return promise;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connect(): net.Socket {
    const socket = net.connect(this.port, '127.0.0.1');
    socket.setNoDelay(true);
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.receive(socket, chunk));
    socket.on('error', (error) => {
      if (this.socket === socket) this.fail(error);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.fail(new Error('the server closed the connection before answering'));
    });
    return socket;
  }

  private receive(socket: net.Socket, chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const headerEnd = this.buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headerEnd);
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < headerEnd + 4 + length) return;
    const body = this.buffer.toString('utf8', headerEnd + 4, headerEnd + 4 + length);
    this.buffer = this.buffer.subarray(headerEnd + 4 + length);
    if (head.startsWith('HTTP/1.0') || /connection:\s*close/i.test(head)) {
      this.socket = null;
      socket.destroy();
    }
    const waiting = this.waiting;
    this.waiting = null;
    if (!/^HTTP\/1\.[01] 200/.test(head) || body.includes('<fault>'))
      waiting?.reject(new Error(`call failed: ${head.split('\r\n')[0]} ${body.slice(0, 200)}`));
    else waiting?.resolve(body);
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
  }
}
