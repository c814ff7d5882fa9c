// Answering CloudFormation for a custom resource: every request gets exactly one answer, failures included (or the
// stack waits an hour), with a reason CloudFormation shows the operator. Domain errors explain themselves; an AWS
// error is named, never quoted (its message can describe the request).
import * as http from 'node:http';
import * as https from 'node:https';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { errorName } from './errors';

/**
 * PUTs to the pre-signed S3 URL; its signature covers an empty Content-Type, so that is what is sent. (Plain http
 * is only ever a test's local server.)
 */
export const putResponse = async (
  responseUrl: string,
  body: string,
  { attempts = 3, backoffMs = 500 } = {},
): Promise<void> => {
  const { request } = responseUrl.startsWith('http:') ? http : https;
  for (let attempt = 1; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const req = request(
          responseUrl,
          {
            method: 'PUT',
            headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
            timeout: 10_000,
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200
                ? resolve()
                : reject(new Error(`CloudFormation response rejected with status ${res.statusCode}`)),
            );
          },
        );
        req.on('timeout', () => req.destroy(new Error('CloudFormation response timed out')));
        req.on('error', reject);
        req.end(body);
      });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs * attempt));
    }
  }
};

export interface CustomResourceOutcome<Data> {
  physicalResourceId: string;
  data?: Data;
}

export interface CustomResourceDeps {
  /** PUTs the response document to CloudFormation's pre-signed ResponseURL (putResponse). */
  respond(responseUrl: string, body: string): Promise<void>;
  log: {
    info(message: string, fields: Record<string, unknown>): void;
    error(message: string, fields: Record<string, unknown>): void;
  };
}

/**
 * Runs `work` for a request and answers CloudFormation with its outcome. Errors named in `explained` are the
 * custom resource's own, whose message is the reason shown; any other is reported by name only.
 */
export const answerCustomResource =
  <Properties extends Record<string, unknown>, Data extends Record<string, unknown>>(
    deps: CustomResourceDeps,
    explained: readonly string[],
    work: (event: CloudFormationCustomResourceEvent<Properties>) => Promise<CustomResourceOutcome<Data>>,
  ) =>
  async (event: CloudFormationCustomResourceEvent<Properties>): Promise<void> => {
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
    // A failed Create has no physical id yet; a stable one keeps the rollback's Delete a no-op like any other.
    const previousId =
      event.RequestType === 'Create' ? `${event.LogicalResourceId}-not-created` : event.PhysicalResourceId;
    let response: CloudFormationCustomResourceResponse<Data>;
    try {
      const outcome = await work(event);
      response = {
        ...base,
        Status: 'SUCCESS',
        PhysicalResourceId: outcome.physicalResourceId,
        ...(outcome.data ? { Data: outcome.data } : {}),
      };
    } catch (error) {
      const name = errorName(error) ?? 'Error';
      deps.log.error('custom resource failed', {
        requestType: event.RequestType,
        logicalResourceId: event.LogicalResourceId,
        error: name,
        awsRequestId: (error as { $metadata?: { requestId?: string } })?.$metadata?.requestId,
      });
      response = {
        ...base,
        Status: 'FAILED',
        PhysicalResourceId: previousId,
        Reason: explained.includes(name)
          ? (error as Error).message
          : `${name} (see the function's log for the request id)`,
      };
    }
    deps.log.info('answering CloudFormation', {
      requestType: event.RequestType,
      logicalResourceId: event.LogicalResourceId,
      status: response.Status,
    });
    await deps.respond(event.ResponseURL, JSON.stringify(response));
  };
