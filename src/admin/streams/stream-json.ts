import type { ListedStream } from './stream-administration.service';

/**
 * A stream as `streams list --json` and `/admin/v1/streams` show it: never its authorization
 * header, nor a SET.
 */
export function streamJson(stream: ListedStream) {
  return {
    stream_id: stream.streamId,
    receiver: stream.receiver,
    delivery: stream.delivery,
    endpoint_url: stream.endpointUrl ?? null,
    status: stream.status,
    status_reason: stream.statusReason ?? null,
    events_delivered: stream.eventsDelivered,
    created_at: stream.createdAt,
    pending: stream.pending,
    lag_seconds: stream.lagSeconds,
  };
}
