// Errors of a replay run that are not about the fleet or fault files (those are FleetError).

export type ReplayErrorCode =
  /** runReplay options out of range or inconsistent (from after to, bad speed, unknown target). */
  | 'REPLAY_OPTIONS'
  /** The codec refused to encode what a virtual buoy produced (a simulator bug: please report). */
  | 'REPLAY_ENCODE'
  /** A virtual buoy was asked for its next transmission before the previous one was settled. */
  | 'REPLAY_SEQUENCE'
  /** The output (UDP socket, MQTT broker) failed. */
  | 'REPLAY_OUTPUT'
  /** The run was aborted through its AbortSignal. */
  | 'REPLAY_ABORTED';

export class ReplayError extends Error {
  constructor(
    readonly code: ReplayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReplayError';
  }
}
