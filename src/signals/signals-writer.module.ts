import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { SsfEventPersistenceModule } from './outbox/persistence/ssf-event-persistence.module';
import { SsfEventWriter } from './ssf-event.writer';
import { StreamPresence } from './streams/stream-presence';
import { StreamPersistenceModule } from './streams/persistence/stream-persistence.module';

/**
 * What queues Security Event Tokens when their causes happen (SsfEventWriter): in every process
 * where a cause can happen, the service's instances and `proofgate-admin` (a lock-down from the
 * CLI queues its SETs, which the instances deliver).
 */
@Module({
  imports: [StreamPersistenceModule, SsfEventPersistenceModule, ClientsModule],
  providers: [SsfEventWriter, StreamPresence],
  exports: [SsfEventWriter, StreamPresence, StreamPersistenceModule, SsfEventPersistenceModule],
})
export class SignalsWriterModule {}
