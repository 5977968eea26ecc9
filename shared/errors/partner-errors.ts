/**
 * Why the partner directory refused an onboarding change (the `duebell partners` command prints it).
 * Not a domain error: no API route changes the directory, so it has no HTTP status.
 */
export class PartnerChangeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartnerChangeRefused';
  }
}
