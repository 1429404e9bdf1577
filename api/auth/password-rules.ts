/**
 * The rule for new passwords, as the API and the web app both state it (pure, no imports, so
 * the web app can share it): length bounds and the codes of the refusals, which the
 * interface translates.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * Why a new password is refused: too short (`{min}`), too long (`{max}`), common (in the list
 * of common passwords, trivial, the username or the product name), or the current one.
 */
export const PASSWORD_ERROR_CODES = [
  'password_too_short',
  'password_too_long',
  'password_common',
  'password_reused',
] as const;
export type PasswordErrorCode = (typeof PASSWORD_ERROR_CODES)[number];
