// What a composed trigger reports of the pool's own trigger. Imports nothing: the invoker that throws these is loaded
// lazily, and whatever it imports cannot be trimmed from the bundle.

/** Their trigger failed: the message is theirs, so Cognito shows the caller what it would have without us. */
export class TheirTriggerError extends Error {
  override readonly name = 'TheirTriggerError';
}

/** Their trigger did not answer within what was left of Cognito's 5 s. */
export class TheirTriggerTimeoutError extends Error {
  override readonly name = 'TheirTriggerTimeoutError';
}
