/**
 * Every way adding a file can fail, as a code the UI can act on and a sentence the user can
 * read. Errors cross the worker boundary as plain objects (`toPlain` / `RagError.from`), so
 * the code survives structured cloning, which keeps only an Error's message.
 */
export type RagErrorCode =
  | 'unsupported-type'
  | 'binary'
  | 'encoding'
  | 'empty'
  | 'too-large'
  | 'too-many-files'
  | 'duplicate'
  | 'pdf-encrypted'
  | 'pdf-no-text'
  | 'pdf-invalid'
  | 'cancelled'
  | 'storage'
  | 'worker-crashed'
  | 'not-found'
  | 'internal';

export interface PlainRagError {
  code: RagErrorCode;
  message: string;
  /** The file the error is about, when it is about one. */
  fileName?: string | undefined;
}

export class RagError extends Error {
  override readonly name = 'RagError';

  constructor(
    readonly code: RagErrorCode,
    message: string,
    readonly fileName?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  toPlain(): PlainRagError {
    return { code: this.code, message: this.message, fileName: this.fileName };
  }

  static fromPlain(plain: PlainRagError): RagError {
    return new RagError(plain.code, plain.message, plain.fileName);
  }

  /** Anything thrown, as a RagError: unknown failures keep their message under 'internal'. */
  static from(error: unknown, fileName?: string): RagError {
    if (error instanceof RagError) return error;
    if (isAbort(error)) return new RagError('cancelled', 'Indexing was cancelled; nothing was saved.', fileName, { cause: error });
    if (isStorageFailure(error)) {
      return new RagError('storage', `Could not save to this browser's storage: ${messageOf(error)}`, fileName, { cause: error });
    }
    return new RagError('internal', messageOf(error), fileName, { cause: error });
  }
}

export function cancelled(): RagError {
  return new RagError('cancelled', 'Indexing was cancelled; nothing was saved.');
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** IndexedDB reports its failures as DOMExceptions with these names. */
function isStorageFailure(error: unknown): boolean {
  return error instanceof Error && /QuotaExceeded|DataCloneError|InvalidStateError|TransactionInactive|UnknownError|VersionError/.test(error.name);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : 'Unknown error';
}
