/** Every limit the hub enforces at the connection boundary, each a flag (see service.ts). */
export interface HubLimits {
  maxFrameBytes: number;
  maxTextChars: number;
  ratePerSecond: number;
  rateBurst: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxConnectionsPerUser: number;
  maxOutputBytes: number;
  idleTimeoutMs: number;
  pingTimeoutMs: number;
  helloTimeoutMs: number;
  historySize: number;
  graceMs: number;
  presenceLimit: number;
  presenceIntervalMs: number;
  /** How long one turn of the event loop may spend on work that can wait (see turn-slices.ts). */
  turnSliceMs: number;
}
