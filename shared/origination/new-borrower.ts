import { provinceCodeOf } from '#shared/identity/prc-id.ts';
import { borrowerField, type KeyService } from '#shared/ports/key-service.ts';
import type { BorrowerRecord, ContactPreferences } from '#shared/ports/records.ts';

/** A person as an application or a lender's book names them, personal data still in clear. */
export interface BorrowerDetails {
  partnerId: string;
  borrowerId: string;
  idNumber: string;
  name: string;
  phone: string;
  email?: string;
  birthDate?: string;
}

/**
 * The stored borrower: the ID number only as its HMAC, name, phone and email encrypted, the phone also
 * hashed so an inbound SMS finds its borrowers. The one place personal data becomes a record.
 */
export async function newBorrowerRecord(
  keys: KeyService,
  person: BorrowerDetails,
  preferences: ContactPreferences,
  at: string,
): Promise<BorrowerRecord> {
  const fieldOf = (field: 'name' | 'phone' | 'email') =>
    borrowerField(person.partnerId, person.borrowerId, field);
  return {
    partnerId: person.partnerId,
    borrowerId: person.borrowerId,
    identityHash: keys.hashIdentity(person.idNumber),
    provinceCode: provinceCodeOf(person.idNumber),
    nameEncrypted: await keys.encrypt(person.name, fieldOf('name')),
    phoneEncrypted: await keys.encrypt(person.phone, fieldOf('phone')),
    phoneHash: keys.hashPhone(person.phone),
    emailEncrypted: person.email ? await keys.encrypt(person.email, fieldOf('email')) : undefined,
    birthDate: person.birthDate,
    preferences,
    createdAt: at,
    updatedAt: at,
  };
}
