import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { SsfPolls, type PollAnswer } from '../streams/ssf-poll.service';
import { SsfStreams } from '../streams/ssf-streams.service';
import { Receiver, ReceiverRoute } from './ssf-receiver.guard';
import { PollAnswerDto, StreamConfigurationDto } from './ssf-answers.dto';
import {
  PollRequestDto,
  STREAM_ID,
  StreamChangeDto,
  StreamSettingsDto,
  StreamStatusDto,
  StreamSubjectDto,
  VerificationRequestDto,
} from './ssf-stream.dto';

function streamIdOf(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
    throw new InvalidRequest('stream_id is required, once');
  }
  return value;
}

/**
 * The Shared Signals transmitter's stream management API (SSF 1.0 §8) and the poll endpoint of
 * its poll streams (RFC 8936), for receivers with an `ssf` token.
 */
@ApiTags('shared-signals')
@ApiExtraModels(StreamConfigurationDto)
@Controller('ssf')
export class SsfStreamsController {
  constructor(
    private readonly streams: SsfStreams,
    private readonly polls: SsfPolls,
  ) {}

  @Post('streams')
  @ReceiverRoute()
  @HttpCode(201)
  @ApiOperation({ summary: 'SSF 1.0 §8.1.1.1: create a stream' })
  @ApiCreatedResponse({ type: StreamConfigurationDto })
  async create(@Receiver() receiver: string, @Body() body: StreamSettingsDto) {
    return this.streams.configuration(await this.streams.create(receiver, body));
  }

  @Get('streams')
  @ReceiverRoute()
  @ApiOperation({ summary: "SSF 1.0 §8.1.1.2: read a stream, or the receiver's streams" })
  @ApiQuery({ name: 'stream_id', required: false, ...STREAM_ID })
  @ApiOkResponse({
    description: "With stream_id: that stream; without: the receiver's streams",
    schema: {
      oneOf: [
        { $ref: getSchemaPath(StreamConfigurationDto) },
        { type: 'array', items: { $ref: getSchemaPath(StreamConfigurationDto) } },
      ],
    },
  })
  async read(@Receiver() receiver: string, @Query('stream_id') streamId?: unknown) {
    if (streamId === undefined) {
      return (await this.streams.list(receiver)).map((stream) =>
        this.streams.configuration(stream),
      );
    }
    return this.streams.configuration(await this.streams.read(receiver, streamIdOf(streamId)));
  }

  @Patch('streams')
  @ReceiverRoute()
  @ApiOperation({ summary: 'SSF 1.0 §8.1.1.3: update a stream (the properties sent)' })
  @ApiOkResponse({ type: StreamConfigurationDto })
  async update(@Receiver() receiver: string, @Body() body: StreamChangeDto) {
    return this.streams.configuration(
      await this.streams.change(receiver, body.stream_id, body, false),
    );
  }

  @Put('streams')
  @ReceiverRoute()
  @ApiOperation({ summary: 'SSF 1.0 §8.1.1.4: replace a stream' })
  @ApiOkResponse({ type: StreamConfigurationDto })
  async replace(@Receiver() receiver: string, @Body() body: StreamChangeDto) {
    return this.streams.configuration(
      await this.streams.change(receiver, body.stream_id, body, true),
    );
  }

  @Delete('streams')
  @ReceiverRoute()
  @HttpCode(204)
  @ApiOperation({ summary: 'SSF 1.0 §8.1.1.5: delete a stream' })
  @ApiQuery({ name: 'stream_id', required: true, ...STREAM_ID })
  @ApiNoContentResponse({ description: 'Deleted, with the SETs that waited for it' })
  async delete(@Receiver() receiver: string, @Query('stream_id') streamId: unknown): Promise<void> {
    await this.streams.delete(receiver, streamIdOf(streamId));
  }

  @Get('status')
  @ReceiverRoute()
  @ApiOperation({ summary: "SSF 1.0 §8.1.2.1: a stream's status" })
  @ApiQuery({ name: 'stream_id', required: true, ...STREAM_ID })
  @ApiOkResponse({ type: StreamStatusDto })
  async status(@Receiver() receiver: string, @Query('stream_id') streamId: unknown) {
    return statusOf(await this.streams.read(receiver, streamIdOf(streamId)));
  }

  @Post('status')
  @ReceiverRoute()
  @HttpCode(200)
  @ApiOperation({ summary: "SSF 1.0 §8.1.2.2: change a stream's status" })
  @ApiOkResponse({ type: StreamStatusDto })
  async setStatus(@Receiver() receiver: string, @Body() body: StreamStatusDto) {
    return statusOf(
      await this.streams.setStatus(receiver, body.stream_id, body.status, body.reason),
    );
  }

  @Post('subjects/add')
  @ReceiverRoute()
  @HttpCode(200)
  @ApiOperation({ summary: 'SSF 1.0 §8.1.3.2: add a subject to a stream' })
  @ApiOkResponse({ description: 'Added (SSF 1.0 §8.1.3.2: an empty 200 OK)' })
  async addSubject(@Receiver() receiver: string, @Body() body: StreamSubjectDto): Promise<void> {
    await this.streams.addSubject(receiver, body.stream_id, body.subject);
  }

  @Post('subjects/remove')
  @ReceiverRoute()
  @HttpCode(204)
  @ApiOperation({ summary: 'SSF 1.0 §8.1.3.3: remove a subject from a stream' })
  @ApiNoContentResponse({ description: 'Removed (or it was never added)' })
  async removeSubject(@Receiver() receiver: string, @Body() body: StreamSubjectDto): Promise<void> {
    await this.streams.removeSubject(receiver, body.stream_id, body.subject);
  }

  @Post('verify')
  @ReceiverRoute()
  @HttpCode(204)
  @ApiOperation({ summary: 'SSF 1.0 §8.1.4.2: ask for a verification SET' })
  @ApiNoContentResponse({ description: 'The verification SET is queued for the stream' })
  async verify(@Receiver() receiver: string, @Body() body: VerificationRequestDto): Promise<void> {
    await this.streams.verify(receiver, body.stream_id, body.state);
  }

  @Post('poll/:streamId')
  @ReceiverRoute()
  @HttpCode(200)
  @ApiOperation({ summary: "RFC 8936: poll a stream's SETs, acknowledging earlier ones" })
  @ApiParam({ name: 'streamId', ...STREAM_ID })
  @ApiOkResponse({ type: PollAnswerDto })
  poll(
    @Receiver() receiver: string,
    @Param('streamId') streamId: string,
    @Body() body: PollRequestDto,
  ): Promise<PollAnswer> {
    return this.polls.poll(receiver, streamIdOf(streamId), body);
  }
}

function statusOf(stream: { streamId: string; status: string; statusReason?: string }) {
  return {
    stream_id: stream.streamId,
    status: stream.status,
    ...(stream.statusReason !== undefined ? { reason: stream.statusReason } : {}),
  };
}
