import { domainEvent } from '../platform/events/domain-events';

/** The stream a SET is for, as metrics name it (its receiver client, its stream id). */
export interface SetStream {
  readonly receiver: string;
  readonly streamId: string;
}

/** SETs were queued (`push`: how many of them are pushed; the instance's poller may look now). */
export class SsfEventsQueued extends domainEvent('ssf.events_queued') {
  constructor(
    readonly streams: readonly SetStream[],
    readonly push: number,
  ) {
    super();
  }
}

/**
 * SETs of one stream settled: pushed and accepted or acknowledged (`delivered`), an attempt that
 * failed and is due again (`retrying`), refused by the receiver or past retention (`given_up`).
 */
export class SsfDeliveriesSettled extends domainEvent('ssf.deliveries_settled') {
  constructor(
    readonly stream: SetStream,
    readonly outcome: 'delivered' | 'retrying' | 'given_up',
    readonly count: number,
  ) {
    super();
  }
}

/**
 * What waits for each stream, as one instance read it (SsfPushPoller, with its housekeeping):
 * every stream with a pending SET, how many and how old the oldest is. A stream absent waits
 * for nothing.
 */
export class SsfBacklogRead extends domainEvent('ssf.backlog_read') {
  constructor(readonly streams: readonly (SetStream & { pending: number; lagSeconds: number })[]) {
    super();
  }
}
