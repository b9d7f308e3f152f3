import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  DELIVERY_METHODS,
  POLL_DELIVERY,
  SESSION_REVOKED,
  type DeliveryMethod,
} from '../ssf-events';
import { HTTP_FIELD_VALUE } from '../http-field-value';
import { STREAM_STATUSES, type StreamStatus } from '../streams/stream';

/** The stream a request names (`stream_id`), as the transmitter made it. */
export const STREAM_ID = {
  description: 'The stream',
  example: 'f67e39a0a5b2c1d0e9f8a7b6',
} as const;

/** An optional list of event type URIs, at most `max` of them. */
function EventTypes(max: number, description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: [String],
      ...(description === undefined ? {} : { description }),
      example: [SESSION_REVOKED],
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(max),
    IsString({ each: true }),
    MaxLength(256, { each: true }),
  );
}

/** SSF 1.0 §8.1.1 `delivery`, as a receiver sends it. */
export class DeliveryDto {
  @ApiProperty({ enum: DELIVERY_METHODS, example: 'urn:ietf:rfc:8935' })
  @IsIn(DELIVERY_METHODS)
  method!: DeliveryMethod;

  @ApiPropertyOptional({
    description: "Push: the receiver's endpoint (poll: the transmitter's, ignored here)",
    example: 'https://receiver.example/events',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  endpoint_url?: string;

  @ApiPropertyOptional({
    description: 'Push: the Authorization header value to send; never answered back',
    example: 'Bearer receiver-own-token',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @Matches(HTTP_FIELD_VALUE, {
    message: '$property must be an HTTP field value (RFC 9110 §5.5): no control character but tab',
  })
  authorization_header?: string;
}

/** The receiver-supplied properties of a stream (SSF 1.0 §8.1.1), and the transmitter's, checked. */
export class StreamSettingsDto {
  @ApiPropertyOptional({
    type: DeliveryDto,
    description: 'How the SETs reach the receiver; absent: poll (RFC 8936)',
    example: { method: POLL_DELIVERY },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeliveryDto)
  delivery?: DeliveryDto;

  @EventTypes(50)
  events_requested?: string[];

  @ApiPropertyOptional({ example: 'Sessions of the risk engine' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  description?: string;

  // SSF 1.0 §8.1.1.3, §8.1.1.4: the transmitter-supplied properties, which a receiver may send
  // back as it read them; each sent must match the stream's value (`SsfStreams`), else 400.
  @ApiPropertyOptional({
    description: 'Transmitter-supplied: as read, or left out',
    example: 'https://proofgate.example',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  iss?: string;

  @ApiPropertyOptional({
    description: 'Transmitter-supplied (a string, or a list of one): as read, or left out',
    example: 'risk-engine',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray({ message: 'aud must be a string or an array of strings' })
  @ArrayMaxSize(10)
  @IsString({ each: true, message: 'aud must be a string or an array of strings' })
  @MaxLength(256, { each: true })
  aud?: string[];

  @EventTypes(100, 'Transmitter-supplied: as read, or left out')
  events_supported?: string[];

  @EventTypes(100, 'Transmitter-supplied: as read, or left out')
  events_delivered?: string[];

  @ApiPropertyOptional({
    description: 'Transmitter-supplied, not set here: leave it out',
    example: 60,
  })
  @IsOptional()
  @IsInt()
  min_verification_interval?: number;

  @ApiPropertyOptional({
    description: 'Transmitter-supplied, not set here: leave it out',
    example: 86400,
  })
  @IsOptional()
  @IsInt()
  inactivity_timeout?: number;
}

/** SSF 1.0 §8.1.1.3, §8.1.1.4: an update or a replacement names its stream. */
export class StreamChangeDto extends StreamSettingsDto {
  @ApiProperty(STREAM_ID)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  stream_id!: string;
}

/** SSF 1.0 §8.1.2.2. */
export class StreamStatusDto {
  @ApiProperty(STREAM_ID)
  @IsString()
  @MaxLength(64)
  stream_id!: string;

  @ApiProperty({ enum: STREAM_STATUSES, example: 'paused' })
  @IsIn(STREAM_STATUSES)
  status!: StreamStatus;

  @ApiPropertyOptional({ example: 'Maintenance of the receiver' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  reason?: string;
}

/** SSF 1.0 §8.1.3.2, §8.1.3.3: a subject (RFC 9493) added to or removed from a stream. */
export class StreamSubjectDto {
  @ApiProperty(STREAM_ID)
  @IsString()
  @MaxLength(64)
  stream_id!: string;

  @ApiProperty({ example: { format: 'email', email: 'user@example.com' } })
  @IsObject()
  subject!: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'SSF 1.0 §8.1.3.2: whether the receiver verified the subject (not used here)',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  verified?: boolean;
}

/** SSF 1.0 §8.1.4.2. */
export class VerificationRequestDto {
  @ApiProperty(STREAM_ID)
  @IsString()
  @MaxLength(64)
  stream_id!: string;

  @ApiPropertyOptional({
    description: 'Answered back in the verification SET',
    example: 'VGhpcyBpcyBhbiBleGFtcGxl',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  state?: string;
}

/** RFC 8936 §2.1: a poll, with the acknowledgements and errors of the previous one. */
export class PollRequestDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'The jti of each SET received and kept since the last poll',
    example: ['4d3559ec67504aaba65d40b0363faad8'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  ack?: string[];

  @ApiPropertyOptional({
    description: 'jti -> { err, description }: SETs received and refused (RFC 8936 §2.4)',
    example: { '3d0c3cf797584bd193bd0fb1bd4e7d30': { err: 'jwtAud', description: 'not ours' } },
  })
  @IsOptional()
  @IsObject()
  setErrs?: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  maxEvents?: number;

  @ApiPropertyOptional({
    description: 'false (the default): wait up to SSF_LONG_POLL_MS for a SET when none is waiting',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  returnImmediately?: boolean;
}
