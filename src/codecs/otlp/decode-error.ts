/** Malformed input: the message says what is wrong and where. Maps to HTTP 400 / INVALID_ARGUMENT. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}
