// Typed errors for every user mistake Flint can detect, each naming the problem and the fix.

/** Machine-readable reason of a {@link FlintError}. */
export type FlintErrorCode =
  | 'INVALID_DURATION'
  | 'INVALID_WINDOW'
  | 'INVALID_MASTER'
  | 'INVALID_ARGUMENT'
  | 'INVALID_CORE'
  | 'CHECKPOINT_REQUIRED'
  | 'CHECKPOINT_DIR_UNUSABLE'
  | 'CHECKPOINT_CORRUPT'
  | 'CHECKPOINT_INCOMPATIBLE'
  | 'CHECKPOINT_UNSUPPORTED'
  | 'NO_OUTPUT_OPERATIONS'
  | 'CONTEXT_STARTED'
  | 'CONTEXT_STOPPED'
  | 'CONTEXT_NOT_STARTED'
  | 'INVALID_TIME'
  | 'MISSING_BATCH'
  | 'STATE_ERROR'
  | 'KEY_CONSISTENCY'
  | 'SOURCE_ERROR'
  | 'RECORD_TOO_LONG'
  | 'JOB_FAILED'
  | 'WAL_CORRUPT'
  | 'WAL_IO_FAILED'
  | 'WAL_CLOSED'
  | 'OUTPUT_ABANDONED'
  | 'KAFKA_OFFSET_OUT_OF_RANGE'
  | 'UI_BIND_FAILED'
  | 'UNSUPPORTED_OPERATION'
  | 'QUERY_FAILED';

/** The error Flint throws for misuse and bad input; `code` tells which kind it is. */
export class FlintError extends Error {
  /** Machine-readable reason, stable across releases. */
  readonly code: FlintErrorCode;

  constructor(code: FlintErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlintError';
    this.code = code;
  }
}
