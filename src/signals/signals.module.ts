import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ClientsModule } from '../clients/clients.module';
import { ClientMetadataDocumentsModule } from '../clients/metadata-document/client-metadata-documents.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { TokensModule } from '../tokens/tokens.module';
import { SsfConfigurationController } from './api/ssf-configuration.controller';
import { SsfResourceMetadataController } from './api/ssf-resource-metadata.controller';
import { SsfReceiverGuard } from './api/ssf-receiver.guard';
import { SsfStreamsController } from './api/ssf-streams.controller';
import { SsfPushPoller } from './push/ssf-push.poller';
import { SsfPushSender } from './push/ssf-push.sender';
import { SetSigner } from './set-signer';
import { SignalsWriterModule } from './signals-writer.module';
import { SsfPolls } from './streams/ssf-poll.service';
import { SsfStreams } from './streams/ssf-streams.service';

/**
 * The Shared Signals transmitter (issue #80; SSF 1.0, CAEP 1.0, RISC 1.0): its metadata, the
 * receivers' stream management API, the push poller and the poll endpoint over the `ssf_events`
 * outbox that SignalsWriterModule fills.
 */
@Module({
  imports: [
    SignalsWriterModule,
    AccountsModule,
    ClientsModule,
    GrantsModule,
    TokensModule,
    // GuardedFetcher (the SSRF guard) and its resolver.
    ClientMetadataDocumentsModule,
  ],
  controllers: [SsfConfigurationController, SsfResourceMetadataController, SsfStreamsController],
  providers: [SsfReceiverGuard, SetSigner, SsfPushSender, SsfPushPoller, SsfStreams, SsfPolls],
})
export class SignalsModule {}
