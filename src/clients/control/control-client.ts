import path from 'node:path';
import { CONTROL_FAULTS, CONTROL_SOCKET_NAME, type ControlAnswers, type ControlMethod } from '../../protocol/control-api.js';
import { XmlRpcFault } from '../../protocol/xml-rpc/fault.js';
import { callXmlRpc, XmlRpcTransportError } from '../../protocol/xml-rpc/http-client.js';

/** The exit codes of the control commands (docs/control.md). */
export const CONTROL_EXIT = { done: 0, noStack: 1, usage: 2, fatal: 3 } as const;

/** A failure the control commands report as one sentence, with the exit code it maps to. */
export class ControlError extends Error {
  override name = 'ControlError';
  readonly userFacing = true;
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** A typed client of the supervisor's control socket (docs/control.md). */
export class ControlClient {
  readonly socketPath: string;

  constructor(
    readonly dataDir: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.socketPath = path.join(dataDir, CONTROL_SOCKET_NAME);
  }

  async call<M extends ControlMethod>(method: M, params: unknown[] = [], timeoutMs = this.timeoutMs): Promise<ControlAnswers[M]> {
    try {
      return (await callXmlRpc({ socketPath: this.socketPath }, method, params, timeoutMs)) as ControlAnswers[M];
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** The error as a sentence that names the fix. */
  private explain(error: unknown): Error {
    if (error instanceof XmlRpcFault) {
      const usage = error.code === CONTROL_FAULTS.no_such_service || error.code === CONTROL_FAULTS.invalid_params;
      return new ControlError(error.message, usage ? CONTROL_EXIT.usage : CONTROL_EXIT.noStack);
    }
    if (!(error instanceof XmlRpcTransportError)) return error as Error;
    switch (error.code) {
      case 'ENOENT':
      case 'ECONNREFUSED':
        return new ControlError(
          `no stack is running for ${this.dataDir} (nothing answers on ${this.socketPath}); start one with "npx thiscord up --detach" or "npm run up", or pass the --data-dir it runs on`,
          CONTROL_EXIT.noStack,
        );
      case 'EACCES':
        return new ControlError(
          `not allowed to use ${this.socketPath}: it belongs to the user who started the stack; run this as that user`,
          CONTROL_EXIT.noStack,
        );
      case 'ETIMEDOUT':
        return new ControlError(
          `the supervisor on ${this.dataDir} did not answer in time (${error.message}); is it hung?`,
          CONTROL_EXIT.noStack,
        );
      default:
        return new ControlError(`cannot talk to the supervisor on ${this.socketPath}: ${error.message}`, CONTROL_EXIT.noStack);
    }
  }
}
