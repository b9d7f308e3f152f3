import { PersistenceModule } from '../../../platform/database/persistence-module';
import { AdminAuditRepository } from '../admin-audit';
import { AdminAuditDocument, AdminAuditSchema } from './admin-audit.schema';
import { MongoAdminAuditRepository } from './mongo-admin-audit.repository';

/** The admin audit trail: written by the administration services, read by `GET /admin/v1/audit`. */
@PersistenceModule(AdminAuditRepository, MongoAdminAuditRepository, [
  { name: AdminAuditDocument.name, schema: AdminAuditSchema },
])
export class AdminAuditPersistenceModule {}
