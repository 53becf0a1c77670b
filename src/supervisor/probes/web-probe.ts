import http from 'node:http';
import { type Probe, withTimeout } from './probe.js';

/**
 * The web service is healthy when it serves its page the way a browser gets it: HTTP 200, the
 * page's own module script, and the Content-Security-Policy header. It does not go through to the
 * hub: a hub restart is the hub's to report, and must not make the supervisor restart the web
 * service as well.
 */
export class WebProbe implements Probe {
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  check(timeoutMs: number): Promise<void> {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    let request: http.ClientRequest | undefined;
    const answered = new Promise<void>((resolve, reject) => {
      request = http.get({ host: this.host, port: this.port, path: '/', headers: { Host: `${host}:${this.port}` } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (body.length < 64 * 1024) body += chunk;
        });
        response.on('end', () => {
          if (response.statusCode !== 200) return reject(new Error(`the page answered HTTP ${response.statusCode}`));
          if (!response.headers['content-security-policy']) return reject(new Error('the page came without its Content-Security-Policy'));
          if (!body.includes('type="module"')) return reject(new Error('the answer was not the chat page'));
          resolve();
        });
        response.on('error', reject);
      });
      request.on('error', reject);
    });
    return withTimeout(answered, timeoutMs, 'the web page').finally(() => request?.destroy());
  }

  close(): void {}
}
