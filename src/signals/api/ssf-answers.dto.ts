import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ProtectedResourceMetadataDto } from '../../resource-server/protected-resource-metadata.dto';
import { DEFAULT_SUBJECTS } from '../../config/sections/ssf.config';
import { DELIVERY_METHODS, SUPPORTED_EVENTS } from '../ssf-events';

/**
 * What the transmitter answers (SSF 1.0 §7.1, §8.1.1; RFC 8936 §2.1), for the OpenAPI document;
 * the answers themselves are built by the controllers and SsfStreams.configuration.
 */
const ISSUER = 'https://auth.example';
const STREAM_ID = 'f67e39a0a5b2c1d0e9f8a7b6';

/** SSF 1.0 §7.1 `authorization_schemes`: one scheme by its URN. */
export class SsfAuthorizationSchemeDto {
  @ApiProperty({ example: 'urn:ietf:rfc:6749' })
  spec_urn!: string;
}

/** RFC 9728 §2: the protected resource metadata of the stream management API. */
export class SsfResourceMetadataDto extends OmitType(ProtectedResourceMetadataDto, [
  'resource',
  'scopes_supported',
  'resource_name',
  'dpop_bound_access_tokens_required',
] as const) {
  @ApiProperty({ description: "The API's tokens' `aud`", example: `${ISSUER}/ssf` })
  resource!: string;

  @ApiProperty({ type: [String], example: ['ssf'] })
  scopes_supported!: string[];

  @ApiProperty({ example: 'Proofgate Shared Signals transmitter' })
  resource_name!: string;
}

/** SSF 1.0 §7.1: the transmitter configuration metadata. */
export class SsfConfigurationDto {
  @ApiProperty({ example: '1_0' })
  spec_version!: string;

  @ApiProperty({ example: ISSUER })
  issuer!: string;

  @ApiProperty({ example: `${ISSUER}/jwks.json` })
  jwks_uri!: string;

  @ApiProperty({ enum: DELIVERY_METHODS, isArray: true, example: DELIVERY_METHODS })
  delivery_methods_supported!: string[];

  @ApiProperty({ example: `${ISSUER}/ssf/streams` })
  configuration_endpoint!: string;

  @ApiProperty({ example: `${ISSUER}/ssf/status` })
  status_endpoint!: string;

  @ApiProperty({ example: `${ISSUER}/ssf/subjects/add` })
  add_subject_endpoint!: string;

  @ApiProperty({ example: `${ISSUER}/ssf/subjects/remove` })
  remove_subject_endpoint!: string;

  @ApiProperty({ example: `${ISSUER}/ssf/verify` })
  verification_endpoint!: string;

  @ApiProperty({ type: [SsfAuthorizationSchemeDto] })
  authorization_schemes!: SsfAuthorizationSchemeDto[];

  @ApiProperty({ enum: DEFAULT_SUBJECTS, example: 'ALL' })
  default_subjects!: string;
}

/** A stream's `delivery` as answered: never the push authorization header. */
export class StreamDeliveryDto {
  @ApiProperty({ enum: DELIVERY_METHODS, example: 'urn:ietf:rfc:8936' })
  method!: string;

  @ApiProperty({
    description: "Push: the receiver's endpoint; poll: the transmitter's poll URL of the stream",
    example: `${ISSUER}/ssf/poll/${STREAM_ID}`,
  })
  endpoint_url!: string;
}

/** SSF 1.0 §8.1.1: a stream's configuration. */
export class StreamConfigurationDto {
  @ApiProperty({ example: STREAM_ID })
  stream_id!: string;

  @ApiProperty({ example: ISSUER })
  iss!: string;

  @ApiProperty({
    description: 'The receiver client: every SET of the stream is for it',
    example: 'risk-engine',
  })
  aud!: string;

  @ApiProperty({ type: [String], example: SUPPORTED_EVENTS })
  events_supported!: string[];

  @ApiProperty({ type: [String], example: [SUPPORTED_EVENTS[0]] })
  events_requested!: string[];

  @ApiProperty({ type: [String], example: [SUPPORTED_EVENTS[0]] })
  events_delivered!: string[];

  @ApiProperty({ type: StreamDeliveryDto })
  delivery!: StreamDeliveryDto;

  @ApiPropertyOptional({ example: 'Sessions of the risk engine' })
  description?: string;
}

/** RFC 8936 §2.1: a poll's answer. */
export class PollAnswerDto {
  @ApiProperty({
    description: 'The SETs, each keyed by its jti',
    type: 'object',
    additionalProperties: { type: 'string' },
    example: {
      '4d3559ec67504aaba65d40b0363faad8':
        'eyJ0eXAiOiJzZWNldmVudCtqd3QiLCJhbGciOiJFUzI1NiJ9.e30.c2ln',
    },
  })
  sets!: Record<string, string>;

  @ApiProperty({ description: 'More SETs wait than this answer holds', example: false })
  moreAvailable!: boolean;
}
