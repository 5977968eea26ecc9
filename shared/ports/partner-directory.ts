/**
 * Who a caller is: the API key the gateway validated, mapped to its partner. The directory lives in the
 * table (partners are added, rotated and disabled without a redeploy) and is cached per container.
 */
export interface PartnerDirectory {
  /**
   * The partner an API key id belongs to, if the key is live (not past its retirement after a rotation)
   * and the partner is active; undefined otherwise. On AWS the id is API Gateway's key id; locally, the
   * local gateway's digest of the key (`local/api-gateway-server.ts`).
   */
  partnerFor(apiKeyId: string | undefined): Promise<string | undefined>;
  /** The partner's display name (messages are signed with it); undefined for an unknown partner. */
  nameOf(partnerId: string): Promise<string | undefined>;
}

export type PartnerStatus = 'active' | 'disabled';

export interface PartnerKey {
  apiKeyId: string;
  createdAt: string;
  /** Set when a newer key replaced it: refused from this instant on (the grace period ends). */
  retiresAt?: string;
}

export interface PartnerRecord {
  partnerId: string;
  name: string;
  status: PartnerStatus;
  createdAt: string;
  disabledAt?: string;
  keys: PartnerKey[];
}

/** What onboarding (the `duebell partners` command) does to the directory; no function is given this. */
export interface PartnerRegistry {
  /** Adds a partner with its first key; adding the same partner again with the same name changes nothing. */
  addPartner(input: {
    partnerId: string;
    name: string;
    apiKeyId: string;
    at: string;
  }): Promise<PartnerRecord>;
  listPartners(): Promise<PartnerRecord[]>;
  getPartner(partnerId: string): Promise<PartnerRecord | undefined>;
  /** Adds a new key and retires every live older one at `retiresAt`, in one transaction. */
  rotateKey(input: {
    partnerId: string;
    apiKeyId: string;
    at: string;
    retiresAt: string;
  }): Promise<PartnerRecord>;
  /** Every key of the partner stops at once (after the directory's cache time, at most). */
  disablePartner(partnerId: string, at: string): Promise<PartnerRecord>;
}

/** An API key's directory entry: whose it is, and when it stops. */
export interface PartnerKeyOwner {
  partnerId: string;
  createdAt: string;
  retiresAt?: string;
}

/** The two reads a request's lookup makes (what a function is given of the directory). */
export interface PartnerRecords {
  findKey(apiKeyId: string): Promise<PartnerKeyOwner | undefined>;
  getPartner(partnerId: string): Promise<PartnerRecord | undefined>;
}
