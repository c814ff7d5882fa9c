// A trigger of ours composed with the pool's own: who runs first, what Cognito gets back, what happens when either
// refuses or fails, and how much of Cognito's 5 s their function is given.
import type { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  COGNITO_TRIGGER_BUDGET_MS,
  composeTrigger,
  type InvokeTheirs,
  TheirTriggerError,
  TheirTriggerTimeoutError,
} from './compose-trigger';
import { lambdaInvoker } from './lambda-invoker';

const THEIRS = 'arn:aws:lambda:us-east-1:123456789012:function:their-trigger';

interface Event {
  steps: string[];
  response: Record<string, unknown>;
}

const event = (): Event => ({ steps: [], response: {} });

/** Their function: records its call and the time it was given, answers with a response of its own. */
function theirFunction(
  answer: (event: Event) => unknown = (e) => ({ ...e, response: { ...e.response, theirs: true } }),
) {
  const calls: { event: Event; timeoutMs: number }[] = [];
  const invoke: InvokeTheirs = async (arn, received, timeoutMs) => {
    expect(arn).toBe(THEIRS);
    calls.push({ event: structuredClone(received as Event), timeoutMs });
    return answer(received as Event);
  };
  return { invoke, calls };
}

const oursAllowing = async (e: Event) => ({ ...e, steps: [...e.steps, 'ours'] });
const standby = Object.assign(new Error('this user pool is on standby'), { name: 'StandbyPoolError' });

it('without a trigger of theirs, ours runs alone', async () => {
  const theirs = theirFunction();
  const trigger = composeTrigger('PreSignUp', oursAllowing, undefined, { invoke: theirs.invoke });
  expect(await trigger(event())).toEqual({ steps: ['ours'], response: {} });
  expect(theirs.calls).toEqual([]);
});

describe.each(['PreSignUp', 'CustomMessage', 'PostAuthentication'] as const)('%s', (slot) => {
  it('ours decides first, then theirs gets the event and its answer is what Cognito gets', async () => {
    const theirs = theirFunction();
    const trigger = composeTrigger(slot, oursAllowing, THEIRS, { invoke: theirs.invoke });
    expect(await trigger(event())).toEqual({ steps: ['ours'], response: { theirs: true } });
    expect(theirs.calls.map((c) => c.event)).toEqual([{ steps: ['ours'], response: {} }]);
  });

  it('a refusal of ours is final: theirs is never asked', async () => {
    const theirs = theirFunction();
    const trigger = composeTrigger(
      slot,
      async (): Promise<Event> => {
        throw standby;
      },
      THEIRS,
      { invoke: theirs.invoke },
    );
    await expect(trigger(event())).rejects.toBe(standby);
    expect(theirs.calls).toEqual([]);
  });

  it('their refusal reaches Cognito with their message', async () => {
    const trigger = composeTrigger(slot, oursAllowing, THEIRS, {
      invoke: async () => {
        throw new TheirTriggerError('Sign-up is closed for this domain');
      },
    });
    await expect(trigger(event())).rejects.toThrow(
      new TheirTriggerError('Sign-up is closed for this domain'),
    );
  });
});

describe('PostConfirmation', () => {
  it('theirs runs first, then the capture sees what it did; Cognito gets their answer', async () => {
    const order: string[] = [];
    const theirs = theirFunction((e) => {
      order.push('theirs');
      return { ...e, response: { theirs: true } };
    });
    const trigger = composeTrigger(
      'PostConfirmation',
      async (e: Event) => {
        order.push('capture');
        return e;
      },
      THEIRS,
      { invoke: theirs.invoke },
    );
    expect(await trigger(event())).toEqual({ steps: [], response: { theirs: true } });
    expect(order).toEqual(['theirs', 'capture']);
  });

  it('a failure of theirs still captures the confirmed user, then fails as theirs did', async () => {
    const captured: Event[] = [];
    const trigger = composeTrigger(
      'PostConfirmation',
      async (e: Event) => {
        captured.push(e);
        return e;
      },
      THEIRS,
      {
        invoke: async () => {
          throw new TheirTriggerError('welcome email failed');
        },
      },
    );
    await expect(trigger(event())).rejects.toThrow('welcome email failed');
    expect(captured).toHaveLength(1);
  });
});

describe('UserMigration', () => {
  const refusal = (reason: string) =>
    Object.assign(new Error('user cannot be migrated'), { name: 'MigrationRefusedError', reason });
  const leavesToTheirs = (error: unknown) => (error as { reason?: string }).reason !== 'standby-region';

  it('a user ours migrates is answered by ours alone', async () => {
    const theirs = theirFunction();
    const trigger = composeTrigger('UserMigration', oursAllowing, THEIRS, {
      invoke: theirs.invoke,
      leavesToTheirs,
    });
    expect(await trigger(event())).toEqual({ steps: ['ours'], response: {} });
    expect(theirs.calls).toEqual([]);
  });

  it('a user ours knows nothing of is left to theirs (their own migration from elsewhere)', async () => {
    const theirs = theirFunction();
    const trigger = composeTrigger(
      'UserMigration',
      async (): Promise<Event> => {
        throw refusal('no-live-record');
      },
      THEIRS,
      { invoke: theirs.invoke, leavesToTheirs },
    );
    expect(await trigger(event())).toEqual({ steps: [], response: { theirs: true } });
  });

  it('a standby pool migrates nobody in, theirs neither', async () => {
    const theirs = theirFunction();
    const standbyRefusal = refusal('standby-region');
    const trigger = composeTrigger(
      'UserMigration',
      async (): Promise<Event> => {
        throw standbyRefusal;
      },
      THEIRS,
      { invoke: theirs.invoke, leavesToTheirs },
    );
    await expect(trigger(event())).rejects.toBe(standbyRefusal);
    expect(theirs.calls).toEqual([]);
  });
});

describe("their share of Cognito's 5 s", () => {
  it('is what is left of the function deadline, less what ours needs afterwards', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const theirs = theirFunction();
    const slowOurs = async (e: Event) => {
      clock += 400;
      return e;
    };
    const context = { getRemainingTimeInMillis: () => COGNITO_TRIGGER_BUDGET_MS - 50 };
    await composeTrigger('PreSignUp', slowOurs, THEIRS, { invoke: theirs.invoke, now })(event(), context);
    await composeTrigger('PostConfirmation', slowOurs, THEIRS, { invoke: theirs.invoke, now })(
      event(),
      context,
    );
    // PreSignUp: 4950 left, ours took 400, 100 kept for the answer; PostConfirmation: theirs first, 1500 kept.
    expect(theirs.calls.map((c) => c.timeoutMs)).toEqual([4_450, 3_450]);
  });

  it('no time left means no call: Cognito would have cut it off anyway', async () => {
    const theirs = theirFunction();
    const trigger = composeTrigger('CustomMessage', oursAllowing, THEIRS, { invoke: theirs.invoke });
    await expect(trigger(event(), { getRemainingTimeInMillis: () => 80 })).rejects.toThrow(
      TheirTriggerTimeoutError,
    );
    expect(theirs.calls).toEqual([]);
  });
});

describe('lambdaInvoker', () => {
  const client = (answer: (command: InvokeCommand, signal: AbortSignal | undefined) => Promise<unknown>) => {
    const sent: { input: InvokeCommand['input']; signal: AbortSignal | undefined }[] = [];
    return {
      sent,
      lambda: {
        send: async (command: InvokeCommand, options?: { abortSignal?: AbortSignal }) => {
          sent.push({ input: command.input, signal: options?.abortSignal });
          return answer(command, options?.abortSignal);
        },
      } as never,
    };
  };
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('invokes their function synchronously with the event and returns its answer', async () => {
    const { lambda, sent } = client(async () => ({
      Payload: bytes('{"response":{"autoConfirmUser":true}}'),
    }));
    const answer = await lambdaInvoker(lambda)(THEIRS, { request: { userAttributes: {} } }, 2_000);
    expect(answer).toEqual({ response: { autoConfirmUser: true } });
    expect(sent[0]?.input).toMatchObject({ FunctionName: THEIRS, InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(sent[0]?.input.Payload as Uint8Array))).toEqual({
      request: { userAttributes: {} },
    });
    expect(sent[0]?.signal).toBeInstanceOf(AbortSignal);
  });

  it('their function error becomes their message', async () => {
    const { lambda } = client(async () => ({
      FunctionError: 'Unhandled',
      Payload: bytes('{"errorType":"Error","errorMessage":"Sign-up is closed for this domain"}'),
    }));
    await expect(lambdaInvoker(lambda)(THEIRS, {}, 2_000)).rejects.toThrow(
      new TheirTriggerError('Sign-up is closed for this domain'),
    );
  });

  it('gives up at the deadline', async () => {
    const { lambda } = client(
      (_, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
          );
        }),
    );
    await expect(lambdaInvoker(lambda)(THEIRS, {}, 20)).rejects.toThrow(TheirTriggerTimeoutError);
  });
});
