import type { EventName, EventOf } from '../../shared/contract';

/** A pushed event as it crosses a transport. */
export interface CoreEvent<E extends EventName = EventName> {
  readonly event: E;
  readonly payload: EventOf<E>;
}

/** Listener for every core event; transports forward them to their clients. */
export type CoreEventListener = (event: CoreEvent) => void;

/** The core's event bus: services emit, transports subscribe (subscriptions return an unsubscribe). */
export class EventBus {
  private readonly listeners = new Set<CoreEventListener>();

  /** Pushes one event to every subscriber. */
  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ event, payload } as CoreEvent);
      } catch {
        // A failing transport must not stop the others.
      }
    }
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
