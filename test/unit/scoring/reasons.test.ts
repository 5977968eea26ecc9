import { describe, expect, it } from 'vitest';
import { reason, reasonTexts } from '#shared/scoring/reasons.ts';

describe('reason texts', () => {
  const codes = Object.keys(reasonTexts) as (keyof typeof reasonTexts)[];

  it('gives every reason code its own plain sentence in English and in Chinese', () => {
    expect(codes).toHaveLength(26);
    for (const language of ['en', 'zh-CN'] as const) {
      const texts = codes.map((code) => reason(code, language).text);
      // Distinct: no two reasons read alike, and none is empty.
      expect(new Set(texts).size).toBe(codes.length);
      for (const [i, text] of texts.entries()) {
        expect(text.length, codes[i]).toBeGreaterThan(5);
        if (language === 'en') expect(text, codes[i]).toMatch(/^[A-Z][^\u4e00-\u9fff]*\.$/);
        else expect(text, codes[i]).toMatch(/^[\u4e00-\u9fff0-9]+.*。$/);
      }
    }
    expect(reason('DTI', 'en')).toEqual({
      code: 'DTI',
      text: 'Debt payments would be too high compared with income.',
    });
    expect(reason('DTI', 'zh-CN')).toEqual({ code: 'DTI', text: '还款负担相对收入过高。' });
  });
});
