import { describe, expect, it } from 'vitest';
import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';

describe('personalDataIn', () => {
  it.each([
    ['call back on 13812345678', 'phone_number'],
    ['call back on +86 138 1234 5678', 'phone_number'],
    ['call back on 138-1234-5678', 'phone_number'],
    ['office (021) 1234 5678', 'phone_number'],
    ['sister on +44 20 7946 0958', 'phone_number'],
    ['wrote from zhang.san@example.com', 'email'],
    ['ID 11010519491231002X given', 'id_number'],
    ['ID 110105194912310021', 'id_number'],
  ])('finds personal data in %j', (text, kind) => {
    expect(personalDataIn(text)).toBe(kind);
  });

  it.each([
    'promised to pay on Friday',
    'will pay 1500 yuan by 2030-06-20',
    'installment 3 of 12, amount 123456',
    'borrower asked for the hardship form',
    '',
  ])('lets %j through', (text) => {
    expect(personalDataIn(text)).toBeUndefined();
  });
});
