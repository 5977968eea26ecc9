import type { Language } from '#shared/config/languages.ts';

/** Reason texts follow `Accept-Language`: Chinese when it is preferred, English otherwise. */
export function languageOf(headers: Record<string, string | undefined> | null | undefined): Language {
  const accept = headers?.['accept-language'] ?? '';
  const first = accept.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}
