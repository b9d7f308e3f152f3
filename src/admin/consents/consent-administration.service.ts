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

  /**
   * The consents of the account `user` names (a username, a subject or a method key:
   * AccountAdministration.subjectOf); AdminError not_found when it names none.
   */
  async list(user: string): Promise<Consent[]> {
    return this.consents.list(await this.accounts.subjectOf(user));
  }

  /**
   * A page of the consents that hold, of a subject and/or a client, by subject then client
   * (`filter.sub` is a subject already: the admin API's PageOwner found it).
   */
  page(filter: ConsentFilter, page: ConsentPageRead): Promise<Consent[]> {
    return this.consents.page(filter, page);
  }

  /**
   * Forgets what the account `user` names (as list) allowed `clientId` (or every client); how
   * many consents went. AdminError not_found when it names none (a typo is not "0 revoked").
   */
  revoke(user: string, clientId: string | undefined, call: AdminCall): Promise<number> {
    const targets = { sub: user, ...(clientId === undefined ? {} : { client_id: clientId }) };
    return this.audit.around(call, 'consents.revoke', targets, async () =>
      this.consents.revoke(await this.accounts.subjectOf(user), clientId),
    );
  }
}
