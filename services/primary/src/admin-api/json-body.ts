// Middleware admitting a request body only when it is JSON and small, then parsing it with Middy's parser; an
// absent body becomes `undefined` so each route decides whether it needs one.
import type { Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from './errors';
import { MAX_BODY_BYTES } from './validate';

const defaults = { maxBytes: MAX_BODY_BYTES };

/** application/json, optionally with charset=utf-8; other charsets would be decoded wrongly as UTF-8. */
function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [mediaType, ...parameters] = value.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return parameters.every((parameter) => parameter === '' || /^charset="?utf-8"?$/.test(parameter));
}

function bodyBytes(event: APIGatewayProxyEvent, body: string): number {
  // Base64 text is 4 characters for every 3 bytes; an estimate is enough to refuse before decoding.
  return event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
}

export const jsonBody = (opts: Partial<typeof defaults> = {}) => {
  const options = { ...defaults, ...opts };
  // Its own content-type check is off: the rule above has run, and Middy's pattern is case-sensitive, so it
  // would refuse "Application/JSON", which HTTP says is the same type. (The option exists in 6.4.5's code but
  // not in its type declarations.)
  const parser = httpJsonBodyParser({ disableContentTypeCheck: true } as Parameters<
    typeof httpJsonBodyParser
  >[0]);

  const jsonBodyMiddlewareBefore = async (request: Request<APIGatewayProxyEvent>): Promise<void> => {
    const { event } = request;
    const body = event.body;
    if (body === null || body === undefined || body === '') {
      (event as { body: unknown }).body = undefined;
      return;
    }
    if (!isJsonContentType(event.headers?.['content-type'])) {
      throw new ValidationError('content-type', 'must be application/json', 415);
    }
    if (bodyBytes(event, body) > options.maxBytes) {
      throw new ValidationError('body', `must be at most ${options.maxBytes} bytes`, 413);
    }
    try {
      await parser.before?.(request as Parameters<NonNullable<typeof parser.before>>[0]);
    } catch {
      // Middy answers malformed JSON with 415; it is a bad request, and its message would quote the body.
      throw new ValidationError('body', 'not valid JSON');
    }
  };

  return { before: jsonBodyMiddlewareBefore };
};
