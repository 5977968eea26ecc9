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

  it('leaves no valid ID number or mobile number in any text', () => {
    const idNumber = fc
      .tuple(fc.integer({ min: 110000, max: 659999 }), fc.integer({ min: 0, max: 99_999_999_999 }))
      .map(([region, rest]) => withCheckChar(`${region}${String(rest).padStart(11, '0')}`));
    const mobile = fc.integer({ min: 3_000_000_000, max: 9_999_999_999 }).map((n) => `1${n}`);
    fc.assert(
      fc.property(fc.string(), idNumber, mobile, fc.string(), (before, id, phone, after) => {
        const out = redactPersonalData(`${before} ${id} ${phone} +86${phone} ${after}`);
        expect(out).not.toContain(id);
        expect(out).not.toContain(phone);
      }),
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
