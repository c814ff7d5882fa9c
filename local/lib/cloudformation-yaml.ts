// Parses a serverless.yml that contains CloudFormation short-form intrinsics (!Ref, !GetAtt, !Sub, …) into plain
// data, each tag becoming its long form ({ "Fn::GetAtt": … }), as CloudFormation itself reads them.
import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

const INTRINSICS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'ToJsonString',
  'Length',
];

const longForm = (name: string) => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);

// Each tag may be written on a scalar (!Ref X), a sequence (!Join [...]) or a mapping.
const tags: Tags = ['Ref', 'Condition', ...INTRINSICS].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    ...(collection === 'scalar' ? {} : { collection }),
    resolve: (value: unknown) => {
      const plain =
        value && typeof value === 'object' && 'toJSON' in value
          ? (value as { toJSON(): unknown }).toJSON()
          : value;
      return { [longForm(name)]: plain };
    },
  })),
) as Tags;

export const readServerlessYml = <T>(path: string): T =>
  parse(readFileSync(path, 'utf8'), { customTags: tags, logLevel: 'error' }) as T;
