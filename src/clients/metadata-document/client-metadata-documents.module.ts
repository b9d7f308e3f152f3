import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClientMetadataConfig } from '../../config/sections/client-metadata.config';
import { GuardedFetcher } from '../../platform/http/outbound/guarded-fetcher';
import { DnsHostResolver, HostResolver } from '../../platform/http/outbound/host-resolver';
import {
  CLIENT_METADATA_DOCUMENT_LIMITS,
  ClientMetadataDocuments,
} from './client-metadata-documents.service';
import { DocumentFetchAdmission } from './document-fetch-admission.guard';

/**
 * Client ID metadata documents: the fetcher with its SSRF guard and its own DNS resolver
 * (c-ares, `CLIENT_METADATA_DNS_SERVERS` or the system's servers), the document cache, and the
 * per-address admission of first-time fetches on every route.
 */
@Module({
  providers: [
    {
      provide: HostResolver,
      inject: [ClientMetadataConfig],
      useFactory: (clientMetadata: ClientMetadataConfig) =>
        new DnsHostResolver({
          ...(clientMetadata.dnsServers ? { servers: clientMetadata.dnsServers } : {}),
          timeoutMs: CLIENT_METADATA_DOCUMENT_LIMITS.dnsTimeoutMs,
          tries: CLIENT_METADATA_DOCUMENT_LIMITS.dnsTries,
        }),
    },
    GuardedFetcher,
    ClientMetadataDocuments,
    { provide: APP_GUARD, useClass: DocumentFetchAdmission },
  ],
  // The fetcher serves private_key_jwt clients' jwks_uri too: one SSRF guard for both.
  exports: [ClientMetadataDocuments, GuardedFetcher],
})
export class ClientMetadataDocumentsModule {}
