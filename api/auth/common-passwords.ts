/**
 * Whether a password is one that attackers try first. The list is the common-password
 * dictionary of zxcvbn-ts (`@zxcvbn-ts/language-common`, MIT licence, maintained at
 * github.com/zxcvbn-ts/zxcvbn): about 49,000 passwords most frequent in published breach
 * corpora, lower-case, shipped inside the package, so the check works offline. It is loaded
 * on first use (about 60 ms) rather than at start-up.
 */
let dictionary: Promise<ReadonlySet<string>> | null = null;

function commonPasswords(): Promise<ReadonlySet<string>> {
  dictionary ??= import('@zxcvbn-ts/language-common').then((m) => new Set(m.dictionary['passwords-common']));
  return dictionary;
}

/** Names a password must not merely repeat: the product, and anything it is called by. */
const PRODUCT_NAMES = ['riskmap'];

/**
 * The forms of a password that are looked up: as typed but lower-case, and without its
 * trailing digits and symbols, the usual way a listed password is "strengthened"
 * (`Password2026!` is `password`).
 */
function forms(password: string): string[] {
  const lower = password.toLowerCase();
  const withoutDigits = lower.replace(/\d+$/u, '');
  const lettersEnd = lower.replace(/[^\p{L}]+$/u, '');
  return [...new Set([lower, withoutDigits, lettersEnd])].filter((f) => f.length > 0);
}

/** One character repeated (`aaaaaaaaaa`, `1111111111`). */
const REPEATED = /^(.)\1*$/su;

/**
 * True when the password, in any of its forms, is in the common-password list, is one
 * character repeated, is the username, or is the product's name.
 */
export async function isCommonPassword(password: string, username?: string): Promise<boolean> {
  const list = await commonPasswords();
  const own = new Set([...PRODUCT_NAMES, ...(username ? [username.toLowerCase()] : [])]);
  return forms(password).some((f) => list.has(f) || own.has(f) || REPEATED.test(f));
}
