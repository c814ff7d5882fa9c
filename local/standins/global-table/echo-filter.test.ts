// The global table stand-in's echo filter: its own copies are recognised once each in the other region's stream;
// anything else, including a later change of the same item, is replicated as usual.
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { EchoFilter } from './echo-filter';

const change = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', username: string, updatedAt: number): _Record => {
  const image = { username: { S: username }, updatedAt: { N: String(updatedAt) } };
  return {
    eventName,
    dynamodb: {
      Keys: { username: { S: username } },
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
    },
  };
};

describe('EchoFilter', () => {
  it('recognises the copy it made, once, in the region it wrote to only', () => {
    const echoes = new EchoFilter('updatedAt');
    echoes.copied('ap-northeast-1', change('INSERT', 'ada', 1000));

    expect(echoes.isEcho('us-east-1', change('INSERT', 'ada', 1000))).toBe(false);
    expect(echoes.isEcho('ap-northeast-1', change('INSERT', 'ada', 1000))).toBe(true);
    expect(echoes.isEcho('ap-northeast-1', change('INSERT', 'ada', 1000))).toBe(false);
    expect(echoes.pending).toBe(0);
  });

  it('lets a different change of the same item through: another time, another user, or a removal', () => {
    const echoes = new EchoFilter('updatedAt');
    echoes.copied('ap-northeast-1', change('MODIFY', 'ada', 1000));

    expect(echoes.isEcho('ap-northeast-1', change('MODIFY', 'ada', 1001))).toBe(false);
    expect(echoes.isEcho('ap-northeast-1', change('MODIFY', 'bob', 1000))).toBe(false);
    expect(echoes.isEcho('ap-northeast-1', change('REMOVE', 'ada', 1000))).toBe(false);
    expect(echoes.pending).toBe(1);
  });

  it('recognises a copied removal by the image that was removed', () => {
    const echoes = new EchoFilter('updatedAt');
    echoes.copied('us-east-1', change('REMOVE', 'ada', 2000));
    expect(echoes.isEcho('us-east-1', change('REMOVE', 'ada', 2000))).toBe(true);
  });

  it('counts a change copied twice (a redelivered batch) as two echoes', () => {
    const echoes = new EchoFilter('updatedAt');
    echoes.copied('ap-northeast-1', change('INSERT', 'ada', 1000));
    echoes.copied('ap-northeast-1', change('INSERT', 'ada', 1000));
    expect(echoes.isEcho('ap-northeast-1', change('INSERT', 'ada', 1000))).toBe(true);
    expect(echoes.isEcho('ap-northeast-1', change('INSERT', 'ada', 1000))).toBe(true);
    expect(echoes.pending).toBe(0);
  });

  it('never takes an item without an update time for an echo', () => {
    const echoes = new EchoFilter('updatedAt');
    const bare: _Record = {
      eventName: 'INSERT',
      dynamodb: { Keys: { username: { S: 'ada' } }, NewImage: {} },
    };
    echoes.copied('ap-northeast-1', bare);
    expect(echoes.isEcho('ap-northeast-1', bare)).toBe(false);
  });
});
