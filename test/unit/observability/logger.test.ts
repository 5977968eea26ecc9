import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { createLogger, redactPersonalData } from '#shared/observability/logger.ts';

afterEach(() => vi.restoreAllMocks());

function captureOutput(): string[] {
  const lines: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  }
  return lines;
}

describe('redactPersonalData', () => {
  it('masks ID numbers, phone numbers (E.164 and bare) and emails, and leaves ids and instants alone', () => {
    const text =
      'id 11010519491231002X phone +8613912345678 or 13912345678 mail lihua@example.com ' +
      'loan L-2027-000123 at 2027-09-12T01:00:00.000Z amount 800000';
    expect(redactPersonalData(text)).toBe(
      'id [id-number] phone +86139****5678 or 139****5678 mail l***@example.com ' +
        'loan L-2027-000123 at 2027-09-12T01:00:00.000Z amount 800000',
    );
  });

  it('masks an ID number or mobile number whatever touches it', () => {
    expect(redactPersonalData('ID310104199307122358号')).toBe('ID[id-number]号');
    expect(redactPersonalData('身份证号310104199307122358，')).toBe('身份证号[id-number]，');
    expect(redactPersonalData('idNumber=11010519491231002Xok')).toBe('idNumber=[id-number]ok');
    expect(redactPersonalData('tel13912345678号')).toBe('tel139****5678号');
    // A longer run of digits is not an ID number.
    expect(redactPersonalData('ref 1310104199307122358')).toBe('ref 1310104199307122358');
  });

  it('leaves no valid ID number or mobile number in any text', () => {
    const idNumber = fc
      .tuple(fc.integer({ min: 110000, max: 659999 }), fc.integer({ min: 0, max: 99_999_999_999 }))
      .map(([region, rest]) => withCheckChar(`${region}${String(rest).padStart(11, '0')}`));
    const mobile = fc.integer({ min: 3_000_000_000, max: 9_999_999_999 }).map((n) => `1${n}`);
    // What may touch a number: letters, CJK, punctuation, never a digit (that would make it part of a
    // longer number, which is no ID). At least one character, so the ID and the phone stay apart.
    const glue = fc.string({
      unit: fc.constantFrom(
        ' ',
        'I',
        'D',
        'x',
        'X',
        'a',
        '号',
        '码',
        ':',
        '：',
        '=',
        '"',
        ',',
        '，',
        '-',
        '_',
        '(',
        '\n',
      ),
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(
      fc.property(
        fc.string(),
        glue,
        idNumber,
        glue,
        mobile,
        glue,
        fc.string(),
        (before, g1, id, g2, phone, g3, after) => {
          const out = redactPersonalData(`${before}${g1}${id}${g2}${phone}${g3}+86${phone}${g1}${after}`);
          expect(out).not.toContain(id);
          expect(out).not.toContain(phone);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('createLogger', () => {
  it('redacts personal data in the message and in every attribute it writes', () => {
    const lines = captureOutput();
    const logger = createLogger({ serviceName: 'test', logLevel: 'INFO' });
    logger.error('lookup failed for +8613912345678', {
      errorMessage: 'no borrower with idNumber 310104199307122358',
      nested: { email: 'lihua@example.com' },
    });
    const written = lines.join('');
    expect(written).toContain('+86139****5678');
    expect(written).not.toContain('13912345678');
    expect(written).not.toContain('310104199307122358');
    expect(written).not.toContain('lihua@example.com');
    expect(JSON.parse(written).errorMessage).toBe('no borrower with idNumber [id-number]');
  });
});
