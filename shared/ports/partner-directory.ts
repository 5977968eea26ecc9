/** Maps the caller's API key to its partner. On AWS the gateway has validated the key already. */
export interface PartnerDirectory {
  /** The partner for an API key id (from the gateway) or, locally, the key itself; undefined when unknown. */
  partnerFor(apiKeyId: string | undefined, apiKey: string | undefined): string | undefined;
  nameOf(partnerId: string): string | undefined;
}

export interface PartnerEntry {
  partnerId: string;
  name: string;
  /** The API key value (local) or the API Gateway key id (AWS). */
  apiKey?: string;
  apiKeyId?: string;
}
