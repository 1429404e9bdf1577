import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DomainError } from '../lib/errors.ts';
import { isCommonPassword } from './common-passwords.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordErrorCode } from './password-rules.ts';

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

/** Hashes a password with scrypt and a random salt: `scrypt$N$r$p$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `password` matches `stored`; false for any malformed stored hash. Constant-time compare. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A refused new password: status 400 with its code, which the web app translates. */
export class PasswordPolicyError extends DomainError {
  constructor(code: PasswordErrorCode, message: string, params: Record<string, number> = {}) {
    super(400, code, message, params);
  }
}

function lengthProblem(password: string): PasswordPolicyError | null {
  // counted in code points, as a person counts characters
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    return new PasswordPolicyError(
      'password_too_short',
      `password must have at least ${PASSWORD_MIN_LENGTH} characters`,
      { min: PASSWORD_MIN_LENGTH },
    );
  if (length > PASSWORD_MAX_LENGTH)
    return new PasswordPolicyError(
      'password_too_long',
      `password must have at most ${PASSWORD_MAX_LENGTH} characters`,
      { max: PASSWORD_MAX_LENGTH },
    );
  return null;
}

/**
 * The length rule only, as a sentence; null when the length is acceptable. The whole rule
 * (common passwords, the username, the current password) is `newPasswordProblem`.
 */
export function passwordProblem(password: string): string | null {
  return lengthProblem(password)?.message ?? null;
}

/**
 * What is wrong with a password someone wants to set, as the error to answer with; null when
 * it is acceptable. Refused: fewer than 10 or more than 200 characters; a common password
 * (also with another letter case or trailing digits and symbols), one character repeated,
 * the username or the product's name; the current password (`currentHash`, when changing).
 * Existing passwords are never re-checked: this applies only when a password is set.
 */
export async function newPasswordProblem(
  password: string,
  opts: { username?: string; currentHash?: string },
): Promise<PasswordPolicyError | null> {
  const length = lengthProblem(password);
  if (length) return length;
  if (await isCommonPassword(password, opts.username))
    return new PasswordPolicyError('password_common', 'password is too common or too easy to guess');
  if (opts.currentHash && (await verifyPassword(password, opts.currentHash)))
    return new PasswordPolicyError('password_reused', 'password must differ from the current one');
  return null;
}

/** A random secret for session tokens, CSRF tokens, API keys and generated passwords (base64url). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
