import { freePorts } from '../../support/ports.js';

export { freePorts };

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}
