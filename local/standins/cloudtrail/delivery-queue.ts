// How EventBridge hands a rule's events to its function: asynchronous invocations, a few at a time (the function's
// reserved concurrency), and a failed invocation retried twice, as `maximumRetryAttempts: 2` makes Lambda do (AWS
// waits about a minute, then two; the stand-in waits `retryDelaysMs`), before it counts as failed: in AWS it would
// go to the function's on-failure destination then.

export interface DeliveryCounts {
  recorded: number;
  retried: number;
  deliveryFailures: number;
}

export interface DeliveryQueueOptions {
  invoke: (event: unknown) => Promise<void>;
  concurrency: number;
  retryDelaysMs: readonly number[];
  /** Told each retry and each final failure (no event content: it may hold attribute values). */
  report: (line: string) => void;
  wait?: (ms: number) => Promise<void>;
}

export interface DeliveryQueue {
  deliver(event: unknown): void;
  /** Events not yet delivered or failed for good, retries waiting out their delay included. */
  pending(): number;
  readonly counts: DeliveryCounts;
}

export function deliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const wait = options.wait ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const counts: DeliveryCounts = { recorded: 0, retried: 0, deliveryFailures: 0 };
  const queue: { event: unknown; attempts: number }[] = [];
  let inFlight = 0;
  // A retry waiting out its delay holds no delivery slot, as Lambda's retry queue holds no concurrency.
  let waiting = 0;

  const send = async (delivery: { event: unknown; attempts: number }) => {
    try {
      await options.invoke(delivery.event);
      counts.recorded += 1;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const delay = options.retryDelaysMs[delivery.attempts - 1];
      if (delay === undefined) {
        counts.deliveryFailures += 1;
        options.report(`could not deliver a CloudTrail event after ${delivery.attempts} attempts: ${reason}`);
        return;
      }
      counts.retried += 1;
      options.report(`a CloudTrail event's invocation failed, retrying in ${delay} ms: ${reason}`);
      waiting += 1;
      void wait(delay).then(() => {
        waiting -= 1;
        queue.push(delivery);
        pump();
      });
    }
  };

  const pump = () => {
    while (inFlight < options.concurrency && queue.length > 0) {
      const delivery = queue.shift() as { event: unknown; attempts: number };
      delivery.attempts += 1;
      inFlight += 1;
      void send(delivery).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  };

  return {
    deliver(event) {
      queue.push({ event, attempts: 0 });
      pump();
    },
    pending: () => queue.length + inFlight + waiting,
    counts,
  };
}
