import { domainEvent } from '../platform/events/domain-events';

/** SETs were queued for push: the instance's poller may look now. */
export class SsfEventsQueued extends domainEvent('ssf.events_queued') {
  constructor(readonly count: number) {
    super();
  }
}
