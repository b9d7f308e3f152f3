import type { ConsentFilter, ConsentPageRead } from '../../oauth/consent/consent.repository';
import { Injectable } from '@nestjs/common';
import type { Consent } from '../../oauth/consent/consent';
import { ConsentService } from '../../oauth/consent/consent.service';
import { AccountAdministration } from '../accounts/account-administration.service';
import type { AdminCall } from '../audit/admin-audit';
import { AdminAuditTrail } from '../audit/admin-audit.service';

/** `proofgate-admin consents …` and `/admin/v1/consents`: what a user allowed which client. */
@Injectable()
export class ConsentAdministration {
  constructor(
    private readonly consents: ConsentService,
    private readonly audit: AdminAuditTrail,
    private readonly accounts: AccountAdministration,
  ) {}

  /** The consents of `sub`; AdminError not_found when it names no account. */
  async list(sub: string): Promise<Consent[]> {
    await this.accounts.mustName(sub);
    return this.consents.list(sub);
  }

  /**
   * A page of the consents that hold, of a user and/or a client, by user then client; AdminError
   * not_found when the user names no account.
   */
  async page(filter: ConsentFilter, page: ConsentPageRead): Promise<Consent[]> {
    if (filter.sub !== undefined) await this.accounts.mustName(filter.sub);
    return this.consents.page(filter, page);
  }

  /**
   * Forgets what `sub` allowed `clientId` (or every client); how many consents went. AdminError
   * not_found when `sub` names no account (a typo is not "0 revoked").
   */
  revoke(sub: string, clientId: string | undefined, call: AdminCall): Promise<number> {
    const targets = { sub, ...(clientId === undefined ? {} : { client_id: clientId }) };
    return this.audit.around(call, 'consents.revoke', targets, async () => {
      await this.accounts.mustName(sub);
      return this.consents.revoke(sub, clientId);
    });
  }
}
