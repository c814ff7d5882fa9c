// Which bodies reach a route, parsed; the refusals themselves are in the hostile suite.
import type { Request } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from './errors';
import { jsonBody } from './json-body';
import { MAX_BODY_BYTES } from './validate';

async function parsed(body: string | null, contentType?: string, isBase64Encoded = false): Promise<unknown> {
  const event = {
    body,
    isBase64Encoded,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
  } as unknown as APIGatewayProxyEvent;
  await jsonBody().before({ event } as Request<APIGatewayProxyEvent>);
  return event.body;
}

describe('jsonBody', () => {
  it.each([
    ['application/json'],
    ['application/json; charset=utf-8'],
    ['Application/JSON; Charset="UTF-8"'],
    ['application/json;'],
  ])('parses a body sent as %s', async (contentType) => {
    expect(await parsed('{"email":"a@example.com"}', contentType)).toEqual({ email: 'a@example.com' });
  });

  it('decodes a base64 body (API Gateway binary media types)', async () => {
    const body = Buffer.from('{"email":"a@example.com"}').toString('base64');
    expect(await parsed(body, 'application/json', true)).toEqual({ email: 'a@example.com' });
  });

  it.each([null, ''])('turns an absent body (%j) into undefined, whatever the content type', async (body) => {
    expect(await parsed(body)).toBeUndefined();
  });

  it('takes a body of exactly the limit and refuses one byte more', async () => {
    const exactly = JSON.stringify({ name: 'n'.repeat(MAX_BODY_BYTES - 11) });
    expect(Buffer.byteLength(exactly)).toBe(MAX_BODY_BYTES);
    await expect(parsed(exactly, 'application/json')).resolves.toBeDefined();
    const over = JSON.stringify({ name: 'n'.repeat(MAX_BODY_BYTES - 10) });
    await expect(parsed(over, 'application/json')).rejects.toEqual(
      new ValidationError('body', `must be at most ${MAX_BODY_BYTES} bytes`, 413),
    );
  });

  it('counts bytes, not characters, so multi-byte text cannot slip past the limit', async () => {
    const body = JSON.stringify({ name: '€'.repeat(6000) });
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    await expect(parsed(body, 'application/json')).rejects.toMatchObject({ statusCode: 413 });
  });
});
