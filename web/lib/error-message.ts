import { isErrorCode, type ErrorCode } from '../../api/lib/error-codes.ts';
import { ApiError } from '../api/client.ts';
import type { I18n, MessageKey } from '../i18n.ts';

/**
 * The catalogue key of an API refusal's code. Every code of api/lib/error-codes.ts has its
 * `error.<code>` message in web/i18n.ts: a code without one fails the typecheck here.
 */
export function errorKey(code: ErrorCode): MessageKey {
  return `error.${code}`;
}

/**
 * The message of anything thrown, for the user, in the current language (via `t`). An API
 * refusal carries a code of api/lib/error-codes.ts, said with its parameters filled in (`{min}`,
 * `{id}`). The server's own sentence is English: the codes without a meaning of their own show
 * it as `{message}` in English only, and the code instead in Chinese. A refusal whose code this
 * build does not know (a newer server), or without a code at all (a proxy's error page), says
 * so in the current language with the code or status; a request that never reached the server
 * says that. Without `t`, anything shows its own message.
 */
export function errorMessage(error: unknown, t?: I18n['t']): string {
  if (t && error instanceof ApiError) {
    const body = error.body;
    if (body && isErrorCode(body.code)) {
      const params: Record<string, string | number> = {
        message: t('refusal.detail', { message: body.message, code: body.code }),
      };
      for (const [name, value] of Object.entries(body.params ?? {})) {
        params[name] = typeof value === 'number' ? value : String(value);
      }
      return t(errorKey(body.code), params);
    }
    // the wire may carry a code newer than this build's list
    const code: unknown = body?.code;
    if (typeof code === 'string' && code !== '') {
      return t('refusal.unknown', { status: error.status, code, message: error.message });
    }
    return t('refusal.status', { status: error.status, message: error.message });
  }
  // fetch rejects with a TypeError when the request never got an answer
  if (t && error instanceof TypeError && /fetch|network|load failed/i.test(error.message)) {
    return t('refusal.network');
  }
  return error instanceof Error ? error.message : String(error);
}
