/** A `notifications` queue message: one attempt of one delivery (ADR 0046). Everything else is read from D1. */
export interface NotifyMessage {
  deliveryId: string;
  /** A manual redelivery: one attempt, no automatic retries after it. */
  manual?: boolean;
}
