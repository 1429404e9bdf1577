/**
 * A refusal a repository gives with its reason, for bad input the database would accept
 * or a step that is not allowed now: the error handler answers it as the 4xx it carries.
 */
export class RefusalError extends Error {
  constructor(
    readonly statusCode: 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
