// Which language a person reads: an explicit `lang` cookie from the console, else
// Accept-Language, else Vietnamese (the default of the product).
import type { Language } from '../errors.js';

export function pickLanguage(acceptLanguage: string | undefined, cookieLang?: string): Language {
  if (cookieLang === 'vi' || cookieLang === 'en') return cookieLang;
  if (!acceptLanguage) return 'vi';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.split('-')[0], q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { lang } of ranked) if (lang === 'vi' || lang === 'en') return lang;
  return 'vi';
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

// Vietnamese renderings of the schema checks fastify's validator reports, so a person who reads
// only Vietnamese still learns which field is wrong and why.
const VI_KEYWORD: Record<string, (p: Record<string, unknown>) => string> = {
  required: (p) => `thiếu trường bắt buộc "${p.missingProperty}"`,
  type: (p) => `phải có kiểu ${p.type}`,
  minLength: (p) => `phải dài ít nhất ${p.limit} ký tự`,
  maxLength: (p) => `dài quá ${p.limit} ký tự`,
  minimum: (p) => `phải ≥ ${p.limit}`,
  maximum: (p) => `phải ≤ ${p.limit}`,
  pattern: () => 'sai định dạng',
  format: (p) => `sai định dạng ${p.format}`,
  enum: (p) => `phải là một trong: ${(p.allowedValues as unknown[] | undefined)?.join(', ')}`,
  const: (p) => `phải là ${JSON.stringify(p.allowedValue)}`,
  additionalProperties: (p) => `không được có trường "${p.additionalProperty}"`,
  minItems: (p) => `cần ít nhất ${p.limit} phần tử`,
  maxItems: (p) => `nhiều nhất ${p.limit} phần tử`,
  anyOf: () => 'không khớp kiểu nào được chấp nhận',
};

export function describeValidation(errors: AjvLikeError[], context: string, lang: Language): string {
  const first = errors[0];
  if (!first) return context;
  const where = `${context}${first.instancePath ?? ''}`;
  if (lang === 'vi') {
    const render = first.keyword ? VI_KEYWORD[first.keyword] : undefined;
    return `${where}: ${render ? render(first.params ?? {}) : (first.message ?? 'không hợp lệ')}`;
  }
  return `${where}: ${first.message ?? 'invalid'}`;
}
