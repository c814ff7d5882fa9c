import { secretHash } from './secret-hash';

it("is Cognito's SECRET_HASH: Base64(HMAC-SHA256(secret, username + client id))", () => {
  // printf '%s' 'alice.smithclient-123' | openssl dgst -sha256 -hmac s3cr3t -binary | base64
  expect(secretHash('s3cr3t', 'alice.smith', 'client-123')).toBe(
    '5An6+87LPzKIxTRaPD/WTvNXYnzTErXzC3rAcVXA5Yg=',
  );
});
