// readPoolUser: the user and its groups, read one after the other or both at once, with the pool's own username
// deciding whose groups count, and a missing user or a failed call reported the same way in both modes.
import {
  CognitoIdentityProviderClient,
  TooManyRequestsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { readPoolUser } from './pool-reader';

interface Sent {
  command: string;
  username: string;
}

/** A client whose answers the test releases by hand, so it can see what was asked before anything came back. */
function heldClient(answer: (sent: Sent) => unknown) {
  const sent: Sent[] = [];
  const held: Array<() => void> = [];
  // An instance of the client class: the SDK's paginators accept no other.
  const client = Object.assign(Object.create(CognitoIdentityProviderClient.prototype), {
    send: (command: { constructor: { name: string }; input: { Username: string } }) => {
      const request = { command: command.constructor.name, username: command.input.Username };
      sent.push(request);
      return new Promise((resolve, reject) => {
        held.push(() => {
          try {
            resolve(answer(request));
          } catch (error) {
            reject(error);
          }
        });
      });
    },
  }) as CognitoIdentityProviderClient;
  /** Answers everything asked so far, and whatever those answers lead to, until nothing is waiting. */
  const releaseAll = async () => {
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const release of held.splice(0)) release();
    }
  };
  return { client, sent, releaseAll };
}

const existing = (canonical: string, groups: string[]) => (request: Sent) => {
  if (request.command === 'AdminGetUserCommand') {
    return { Username: canonical, UserAttributes: [{ Name: 'sub', Value: 's-1' }], Enabled: true };
  }
  if (request.username !== canonical) {
    throw new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
  }
  return { Groups: groups.map((GroupName) => ({ GroupName })) };
};

const missing = () => {
  throw new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
};

describe('readPoolUser', () => {
  it('asks for the user and the groups at once when concurrent', async () => {
    const { client, sent, releaseAll } = heldClient(existing('ada', ['staff']));
    const read = readPoolUser(client, 'pool', 'ada', { concurrent: true });
    await new Promise((resolve) => setImmediate(resolve));
    // Both requests are out before either has been answered.
    expect(sent.map((s) => s.command).sort()).toEqual([
      'AdminGetUserCommand',
      'AdminListGroupsForUserCommand',
    ]);
    await releaseAll();
    expect((await read)?.groups).toEqual(['staff']);
  });

  it('asks one after the other by default, and not for the groups of a user who is not there', async () => {
    const { client, sent, releaseAll } = heldClient(missing);
    const read = readPoolUser(client, 'pool', 'gone');
    await releaseAll();
    expect(await read).toBeNull();
    expect(sent.map((s) => s.command)).toEqual(['AdminGetUserCommand']);
  });

  it.each([false, true])(
    'reads the groups of the pool username when it differs (concurrent: %s)',
    async (concurrent) => {
      const { client, sent, releaseAll } = heldClient(existing('Ada', ['admins', 'staff']));
      const read = readPoolUser(client, 'pool', 'ada', { concurrent });
      await releaseAll();
      expect((await read)?.groups).toEqual(['admins', 'staff']);
      expect(sent.filter((s) => s.command === 'AdminListGroupsForUserCommand').at(-1)?.username).toBe('Ada');
    },
  );

  it.each([false, true])('answers null for a user who is not there (concurrent: %s)', async (concurrent) => {
    const { client, releaseAll } = heldClient(missing);
    const read = readPoolUser(client, 'pool', 'gone', { concurrent });
    await releaseAll();
    expect(await read).toBeNull();
  });

  it('passes on a throttled groups read of a user who is there, when concurrent', async () => {
    const { client, releaseAll } = heldClient((request) => {
      if (request.command === 'AdminGetUserCommand') return { Username: 'ada', UserAttributes: [] };
      throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    });
    const rejected = expect(readPoolUser(client, 'pool', 'ada', { concurrent: true })).rejects.toThrow(
      TooManyRequestsException,
    );
    await releaseAll();
    await rejected;
  });
});
