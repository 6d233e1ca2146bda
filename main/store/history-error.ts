// Failures of the history store with stable codes, so the IPC layer and the UI can tell them apart.

export type HistoryErrorCode =
  | 'not_found'
  | 'invalid_entry'
  | 'closed'
  /** The stored audio cannot be turned into the requested format on this machine. */
  | 'export_unsupported'
  | 'export_failed';

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
  ) {
    super(message);
  }
}
