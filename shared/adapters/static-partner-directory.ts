import type { PartnerDirectory, PartnerEntry } from '#shared/ports/partner-directory.ts';

/** Partners from a list given at start-up (the deployment's configuration, or a local file). */
export class StaticPartnerDirectory implements PartnerDirectory {
  constructor(private readonly entries: PartnerEntry[]) {}

  partnerFor(apiKeyId: string | undefined, apiKey: string | undefined): string | undefined {
    const match = this.entries.find(
      (e) =>
        (apiKeyId !== undefined && e.apiKeyId === apiKeyId) || (apiKey !== undefined && e.apiKey === apiKey),
    );
    return match?.partnerId;
  }

  nameOf(partnerId: string): string | undefined {
    return this.entries.find((e) => e.partnerId === partnerId)?.name;
  }
}
