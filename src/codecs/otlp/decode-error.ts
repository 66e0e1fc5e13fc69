/** Malformed input: the message says what is wrong and where. Maps to HTTP 400 / INVALID_ARGUMENT. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

/**
 * Prefix of DecodeErrors that wrap an unexpected exception inside a decoder (a decoder bug, not
 * bad input); the contract "only DecodeError" holds either way, and tests look for the prefix.
 */
export const INTERNAL_ERROR = 'internal decoder error';
