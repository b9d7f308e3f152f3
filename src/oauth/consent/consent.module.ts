import { Module } from '@nestjs/common';
import { ConsentService } from './consent.service';
import { ConsentPersistenceModule } from './persistence/consent-persistence.module';

/** Remembered consents, for /authorize and the consent form, and for the admin CLI. */
@Module({
  imports: [ConsentPersistenceModule],
  providers: [ConsentService],
  exports: [ConsentService],
})
export class ConsentModule {}
