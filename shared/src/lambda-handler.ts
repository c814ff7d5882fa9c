// The one way a function's handler is made: a Powertools logger with the invocation's context (never the event:
// events carry user attributes and passwords), Powertools metrics flushed after every invocation that stored any,
// failed ones included, and, in a function that logs users, the deployment's user-reference key loaded before the
// first event is handled (those functions, and only those, may read its secret: userRefKeyRead in serverless.yml).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { userRefKeyStep } from './user-ref-key';

export interface HandlerTools {
  logger: Logger;
  metrics: Metrics;
}

export interface LambdaHandlerOptions {
  /** Publish a `ColdStart` metric on each container's first invocation (a custom metric: it costs). */
  coldStartMetric?: boolean;
  /** The function logs user references: load the key before each event (it costs nothing once loaded). */
  logsUsers?: boolean;
  /** The key's loader, for tests; the deployment's secret (or local file) by default. */
  userRefKey?: () => Promise<void>;
}

export interface LambdaHandlerMiddlewares<E, R> {
  /** A function's own middlewares (the admin API's HTTP stack), run inside the shared ones, in this order. */
  middlewares?: (tools: HandlerTools) => MiddlewareObj<E, R>[];
}

/** What the handler gets: the event, and Lambda's context (absent when a composed trigger or a test calls it). */
export type HandlerCore<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * Builds a Lambda handler around the core `build` returns. `build` runs once per container, at init, with the
 * logger and metrics every invocation shares; wire clients and configuration there.
 */
export function lambdaHandler<E, R>(
  build: (tools: HandlerTools) => HandlerCore<E, R>,
  options: LambdaHandlerOptions & LambdaHandlerMiddlewares<E, R> = {},
): (event: E, context?: Context) => Promise<R> {
  const logger = new Logger();
  const metrics = new Metrics();
  const core = build({ logger, metrics });
  const userRefKey = options.logsUsers
    ? (options.userRefKey ?? userRefKeyStep((message, details) => logger.warn(message, details)))
    : undefined;
  const flush = () => {
    // Nothing stored: no empty metrics document, and no warning about one, in every trigger's log.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  const metricsAfterEachInvocation: MiddlewareObj = {
    // Powertools counts only an on-demand container's first invocation.
    before: () => {
      if (options.coldStartMetric) metrics.captureColdStartMetric();
    },
    after: flush,
    onError: flush,
  };
  // The invocation's request id and function on every line; the event itself is never logged.
  const invocationContext: MiddlewareObj<E, R> = {
    before: (request) => {
      logger.addContext(request.context);
    },
  };
  const handler = middy<E, R>(core)
    .use(invocationContext)
    .use(userRefKey ? [{ before: () => userRefKey() }] : [])
    .use(metricsAfterEachInvocation)
    .use(options.middlewares?.({ logger, metrics }) ?? []);
  return (event, context) => handler(event, context ?? ({} as Context));
}
