// What DynamoDB does with the expressions a request carries, for the fake tables: condition, filter and key
// condition expressions evaluated against an item, update expressions applied to it, projections taken, and the
// request's ExpressionAttributeNames / Values checked as DynamoDB checks them. Anything outside the grammar below is
// refused with UnsupportedExpressionError, so no test can pass on an expression nobody evaluated.
import { RESERVED_WORDS } from './dynamo-reserved-words';

type Item = Record<string, unknown>;

/** A request's expression fields, as the document client's commands carry them. */
export interface ExpressionInput {
  ConditionExpression?: string;
  FilterExpression?: string;
  KeyConditionExpression?: string;
  UpdateExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** What DynamoDB answers to a malformed expression or request. */
export class ExpressionValidationError extends Error {
  override readonly name = 'ValidationException';
}

/** The expression uses grammar these fakes do not evaluate: extend them, or test against DynamoDB Local. */
export class UnsupportedExpressionError extends Error {
  override readonly name = 'UnsupportedExpressionError';
  constructor(what: string, expression: string) {
    super(`the fake table does not evaluate ${what} (in "${expression}")`);
  }
}

// ---- Tokens ----------------------------------------------------------------------------------------------------

type Token =
  | { kind: 'name'; text: string } // #placeholder
  | { kind: 'value'; text: string } // :placeholder
  | { kind: 'word'; text: string } // a bare attribute name, keyword or function
  | { kind: 'symbol'; text: string };

const SYMBOLS = ['<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '+', '-'];

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < expression.length) {
    const rest = expression.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const placeholder = /^([#:])[A-Za-z0-9_]+/.exec(rest);
    if (placeholder) {
      tokens.push({ kind: placeholder[1] === '#' ? 'name' : 'value', text: placeholder[0] });
      at += placeholder[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      at += word[0].length;
      continue;
    }
    if (rest.startsWith('.') || rest.startsWith('[')) {
      throw new UnsupportedExpressionError('nested attribute paths', expression);
    }
    const symbol = SYMBOLS.find((candidate) => rest.startsWith(candidate));
    if (!symbol) throw new ExpressionValidationError(`Invalid expression: Syntax error; token: "${rest[0]}"`);
    tokens.push({ kind: 'symbol', text: symbol });
    at += symbol.length;
  }
  return tokens;
}

// ---- Syntax ----------------------------------------------------------------------------------------------------

/** An attribute by its placeholder (`#a`) or bare name, or a value by its placeholder (`:v`). */
type Operand = { kind: 'path'; ref: string } | { kind: 'value'; ref: string };

type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

type Condition =
  | { kind: 'or' | 'and'; left: Condition; right: Condition }
  | { kind: 'not'; inner: Condition }
  | { kind: 'compare'; op: Comparator; left: Operand; right: Operand }
  | { kind: 'between'; subject: Operand; low: Operand; high: Operand }
  | { kind: 'in'; subject: Operand; list: Operand[] }
  | { kind: 'attribute_exists' | 'attribute_not_exists'; path: Operand }
  | { kind: 'begins_with'; subject: Operand; prefix: Operand };

type SetValue =
  | { kind: 'operand'; operand: Operand }
  | { kind: 'arithmetic'; op: '+' | '-'; left: SetValue; right: SetValue }
  | { kind: 'if_not_exists'; path: Operand; fallback: SetValue };

type UpdateAction =
  | { kind: 'SET'; path: Operand; value: SetValue }
  | { kind: 'ADD'; path: Operand; value: Operand }
  | { kind: 'REMOVE'; path: Operand };

const COMPARATORS = new Set<string>(['=', '<>', '<', '<=', '>', '>=']);
const UNSUPPORTED_FUNCTIONS = new Set(['contains', 'size', 'attribute_type', 'list_append']);

class Parser {
  private at = 0;
  private readonly tokens: Token[];

  constructor(readonly expression: string) {
    this.tokens = tokenize(expression);
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private next(): Token {
    const token = this.tokens[this.at++];
    if (!token) throw this.syntaxError('<end of expression>');
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'word' && token.text.toUpperCase() === word;
  }

  private isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token?.kind === 'symbol' && token.text === symbol;
  }

  private expectSymbol(symbol: string): void {
    const token = this.next();
    if (token.kind !== 'symbol' || token.text !== symbol) throw this.syntaxError(token.text);
  }

  private syntaxError(token: string): ExpressionValidationError {
    return new ExpressionValidationError(
      `Invalid expression: Syntax error; token: "${token}", in "${this.expression}"`,
    );
  }

  end(): void {
    const token = this.peek();
    if (token) throw this.syntaxError(token.text);
  }

  condition(): Condition {
    let left = this.conjunction();
    while (this.isKeyword('OR')) {
      this.next();
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): Condition {
    let left = this.negation();
    while (this.isKeyword('AND')) {
      this.next();
      left = { kind: 'and', left, right: this.negation() };
    }
    return left;
  }

  private negation(): Condition {
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', inner: this.negation() };
    }
    return this.predicate();
  }

  private predicate(): Condition {
    if (this.isSymbol('(')) {
      this.next();
      const inner = this.condition();
      this.expectSymbol(')');
      return inner;
    }
    const first = this.peek();
    if (first?.kind === 'word' && this.peek(1)?.text === '(') return this.conditionFunction();
    const subject = this.operand();
    if (this.isKeyword('BETWEEN')) {
      this.next();
      const low = this.operand();
      if (!this.isKeyword('AND')) throw this.syntaxError(this.peek()?.text ?? '<end of expression>');
      this.next();
      return { kind: 'between', subject, low, high: this.operand() };
    }
    if (this.isKeyword('IN')) {
      this.next();
      this.expectSymbol('(');
      const list = [this.operand()];
      while (this.isSymbol(',')) {
        this.next();
        list.push(this.operand());
      }
      this.expectSymbol(')');
      return { kind: 'in', subject, list };
    }
    const op = this.next();
    if (op.kind !== 'symbol' || !COMPARATORS.has(op.text)) throw this.syntaxError(op.text);
    const right = this.operand();
    if (subject.kind === 'path' && right.kind === 'path' && subject.ref === right.ref) {
      throw new ExpressionValidationError(
        `Invalid expression: The first operand must be distinct from the remaining operands for this operator or function; operator: ${op.text}, in "${this.expression}"`,
      );
    }
    return { kind: 'compare', op: op.text as Comparator, left: subject, right };
  }

  private conditionFunction(): Condition {
    const name = this.next().text;
    if (UNSUPPORTED_FUNCTIONS.has(name)) throw new UnsupportedExpressionError(`${name}()`, this.expression);
    this.expectSymbol('(');
    let condition: Condition;
    if (name === 'attribute_exists' || name === 'attribute_not_exists') {
      condition = { kind: name, path: this.path() };
    } else if (name === 'begins_with') {
      const subject = this.path();
      this.expectSymbol(',');
      condition = { kind: 'begins_with', subject, prefix: this.operand() };
    } else {
      throw new ExpressionValidationError(`Invalid expression: Invalid function name; function: ${name}`);
    }
    this.expectSymbol(')');
    return condition;
  }

  operand(): Operand {
    const token = this.peek();
    if (token?.kind === 'value') {
      this.next();
      return { kind: 'value', ref: token.text };
    }
    if (token?.kind === 'word' && this.peek(1)?.text === '(') {
      if (UNSUPPORTED_FUNCTIONS.has(token.text))
        throw new UnsupportedExpressionError(`${token.text}()`, this.expression);
      throw this.syntaxError(token.text);
    }
    return this.path();
  }

  path(): Operand {
    const token = this.next();
    if (token.kind === 'name') return { kind: 'path', ref: token.text };
    if (token.kind !== 'word') throw this.syntaxError(token.text);
    if (RESERVED_WORDS.has(token.text.toLowerCase())) {
      throw new ExpressionValidationError(
        `Invalid expression: Attribute name is a reserved keyword; reserved keyword: ${token.text}`,
      );
    }
    return { kind: 'path', ref: token.text };
  }

  update(): UpdateAction[] {
    const actions: UpdateAction[] = [];
    const clauses = new Set<string>();
    while (this.peek()) {
      const clause = this.next().text.toUpperCase();
      if (clause === 'DELETE') throw new UnsupportedExpressionError('DELETE (set) updates', this.expression);
      if (clause !== 'SET' && clause !== 'ADD' && clause !== 'REMOVE') throw this.syntaxError(clause);
      if (clauses.has(clause)) {
        throw new ExpressionValidationError(
          `Invalid UpdateExpression: The "${clause}" section can only be used once in an update expression`,
        );
      }
      clauses.add(clause);
      for (;;) {
        const path = this.path();
        if (clause === 'SET') {
          this.expectSymbol('=');
          actions.push({ kind: 'SET', path, value: this.setValue() });
        } else if (clause === 'ADD') {
          actions.push({ kind: 'ADD', path, value: this.operand() });
        } else {
          actions.push({ kind: 'REMOVE', path });
        }
        if (!this.isSymbol(',')) break;
        this.next();
      }
    }
    if (actions.length === 0) throw this.syntaxError('<end of expression>');
    return actions;
  }

  private setValue(): SetValue {
    const left = this.setTerm();
    if (this.isSymbol('+') || this.isSymbol('-')) {
      const op = this.next().text as '+' | '-';
      return { kind: 'arithmetic', op, left, right: this.setTerm() };
    }
    return left;
  }

  private setTerm(): SetValue {
    const token = this.peek();
    if (token?.kind === 'word' && token.text === 'if_not_exists' && this.peek(1)?.text === '(') {
      this.next();
      this.expectSymbol('(');
      const path = this.path();
      this.expectSymbol(',');
      const fallback = this.setTerm();
      this.expectSymbol(')');
      return { kind: 'if_not_exists', path, fallback };
    }
    return { kind: 'operand', operand: this.operand() };
  }

  projection(): Operand[] {
    const paths = [this.path()];
    while (this.isSymbol(',')) {
      this.next();
      paths.push(this.path());
    }
    return paths;
  }
}

// Parsed once per expression text: the benchmark's simulated table evaluates the same few conditions millions of times.
const conditions = new Map<string, Condition>();
const updates = new Map<string, UpdateAction[]>();
const projections = new Map<string, Operand[]>();

function parsed<T>(cache: Map<string, T>, expression: string, parse: (parser: Parser) => T): T {
  let result = cache.get(expression);
  if (result === undefined) {
    const parser = new Parser(expression);
    result = parse(parser);
    parser.end();
    cache.set(expression, result);
  }
  return result;
}

const parseCondition = (expression: string) => parsed(conditions, expression, (p) => p.condition());
const parseUpdate = (expression: string) => parsed(updates, expression, (p) => p.update());
const parseProjection = (expression: string) => parsed(projections, expression, (p) => p.projection());

// ---- The request's names and values -------------------------------------------------------------------------------

function operandsOf(condition: Condition): Operand[] {
  switch (condition.kind) {
    case 'or':
    case 'and':
      return [...operandsOf(condition.left), ...operandsOf(condition.right)];
    case 'not':
      return operandsOf(condition.inner);
    case 'compare':
      return [condition.left, condition.right];
    case 'between':
      return [condition.subject, condition.low, condition.high];
    case 'in':
      return [condition.subject, ...condition.list];
    case 'attribute_exists':
    case 'attribute_not_exists':
      return [condition.path];
    case 'begins_with':
      return [condition.subject, condition.prefix];
  }
}

function operandsOfValue(value: SetValue): Operand[] {
  if (value.kind === 'operand') return [value.operand];
  if (value.kind === 'arithmetic') return [...operandsOfValue(value.left), ...operandsOfValue(value.right)];
  return [value.path, ...operandsOfValue(value.fallback)];
}

function operandsOfUpdate(actions: UpdateAction[]): Operand[] {
  return actions.flatMap((action) => {
    if (action.kind === 'SET') return [action.path, ...operandsOfValue(action.value)];
    if (action.kind === 'ADD') return [action.path, action.value];
    return [action.path];
  });
}

/**
 * Parses every expression of a request and checks its placeholders as DynamoDB does: each one used must be defined,
 * each one defined must be used, and neither map may be empty.
 */
export function checkExpressions(input: ExpressionInput): void {
  const used: Operand[] = [];
  for (const expression of [
    input.ConditionExpression,
    input.FilterExpression,
    input.KeyConditionExpression,
  ]) {
    if (expression !== undefined) used.push(...operandsOf(parseCondition(expression)));
  }
  if (input.UpdateExpression !== undefined)
    used.push(...operandsOfUpdate(parseUpdate(input.UpdateExpression)));
  if (input.ProjectionExpression !== undefined) used.push(...parseProjection(input.ProjectionExpression));
  const names = input.ExpressionAttributeNames;
  const values = input.ExpressionAttributeValues;
  if (names && Object.keys(names).length === 0)
    throw new ExpressionValidationError('ExpressionAttributeNames must not be empty');
  if (values && Object.keys(values).length === 0)
    throw new ExpressionValidationError('ExpressionAttributeValues must not be empty');
  const usedNames = new Set(used.filter((o) => o.kind === 'path' && o.ref.startsWith('#')).map((o) => o.ref));
  const usedValues = new Set(used.filter((o) => o.kind === 'value').map((o) => o.ref));
  for (const ref of usedNames) {
    if (names?.[ref] === undefined) {
      throw new ExpressionValidationError(
        `An expression attribute name used in the document path is not defined; attribute name: ${ref}`,
      );
    }
  }
  for (const ref of usedValues) {
    if (values?.[ref] === undefined) {
      throw new ExpressionValidationError(
        `An expression attribute value used in expression is not defined; attribute value: ${ref}`,
      );
    }
  }
  const unusedNames = Object.keys(names ?? {}).filter((ref) => !usedNames.has(ref));
  if (unusedNames.length > 0) {
    throw new ExpressionValidationError(
      `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
    );
  }
  const unusedValues = Object.keys(values ?? {}).filter((ref) => !usedValues.has(ref));
  if (unusedValues.length > 0) {
    throw new ExpressionValidationError(
      `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
    );
  }
}

// ---- Evaluation --------------------------------------------------------------------------------------------------

type Placeholders = Pick<ExpressionInput, 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

const attributeName = (operand: Operand, input: Placeholders): string =>
  operand.ref.startsWith('#') ? (input.ExpressionAttributeNames?.[operand.ref] as string) : operand.ref;

function resolve(operand: Operand, item: Item | undefined, input: Placeholders): unknown {
  if (operand.kind === 'value') return input.ExpressionAttributeValues?.[operand.ref];
  return item?.[attributeName(operand, input)];
}

/** DynamoDB's equality: same type and same value; sets regardless of order. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (a instanceof Set || b instanceof Set) {
    return a instanceof Set && b instanceof Set && a.size === b.size && [...a].every((x) => b.has(x));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
    );
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => sameValue((a as Item)[key], (b as Item)[key]))
    );
  }
  return a === b;
}

/** Order of two values of one scalar type (numbers, strings by UTF-8 bytes, binary); undefined across types. */
function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  return undefined;
}

function compare(op: Comparator, a: unknown, b: unknown): boolean {
  if (op === '=') return sameValue(a, b);
  // An absent attribute is unequal to every value, as DynamoDB answers.
  if (op === '<>') return !sameValue(a, b);
  const difference = order(a, b);
  if (difference === undefined) return false;
  if (op === '<') return difference < 0;
  if (op === '<=') return difference <= 0;
  if (op === '>') return difference > 0;
  return difference >= 0;
}

function holds(condition: Condition, item: Item | undefined, input: Placeholders): boolean {
  const value = (operand: Operand) => resolve(operand, item, input);
  switch (condition.kind) {
    case 'or':
      return holds(condition.left, item, input) || holds(condition.right, item, input);
    case 'and':
      return holds(condition.left, item, input) && holds(condition.right, item, input);
    case 'not':
      return !holds(condition.inner, item, input);
    case 'compare':
      return compare(condition.op, value(condition.left), value(condition.right));
    case 'between': {
      const low = value(condition.low);
      const high = value(condition.high);
      const bounds = order(low, high);
      if (bounds !== undefined && bounds > 0) {
        throw new ExpressionValidationError(
          'Invalid expression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound',
        );
      }
      const subject = value(condition.subject);
      return compare('>=', subject, low) && compare('<=', subject, high);
    }
    case 'in': {
      const subject = value(condition.subject);
      return condition.list.some((candidate) => sameValue(subject, value(candidate)));
    }
    case 'attribute_exists':
      return value(condition.path) !== undefined;
    case 'attribute_not_exists':
      return value(condition.path) === undefined;
    case 'begins_with': {
      const subject = value(condition.subject);
      const prefix = value(condition.prefix);
      if (typeof subject === 'string' && typeof prefix === 'string') return subject.startsWith(prefix);
      if (subject instanceof Uint8Array && prefix instanceof Uint8Array) {
        return Buffer.compare(subject.subarray(0, prefix.length), prefix) === 0;
      }
      return false;
    }
  }
}

/** Whether a condition or filter expression holds for the item (undefined: the item does not exist). */
export function conditionHolds(expression: string, item: Item | undefined, input: Placeholders): boolean {
  return holds(parseCondition(expression), item, input);
}

/** A table's or an index's key attributes. */
export interface KeySchema {
  hash: string;
  range?: string;
}

/**
 * Whether an item matches a Query's key condition: equality on the partition key, and at most one comparison,
 * BETWEEN or begins_with on the sort key, joined by AND, as DynamoDB accepts them.
 */
export function keyConditionHolds(
  expression: string,
  schema: KeySchema,
  item: Item,
  input: Placeholders,
): boolean {
  const condition = parseCondition(expression);
  const parts = condition.kind === 'and' ? [condition.left, condition.right] : [condition];
  const keyOf = (part: Condition): string | undefined => {
    if (part.kind === 'compare' && part.op !== '<>' && part.left.kind === 'path')
      return attributeName(part.left, input);
    if (part.kind === 'between' && part.subject.kind === 'path') return attributeName(part.subject, input);
    if (part.kind === 'begins_with') return attributeName(part.subject, input);
    return undefined;
  };
  const keys = parts.map(keyOf);
  const hashPart = parts[keys.indexOf(schema.hash)];
  const rangeParts = parts.filter((_, i) => keys[i] !== schema.hash);
  if (
    hashPart?.kind !== 'compare' ||
    hashPart.op !== '=' ||
    hashPart.right.kind !== 'value' ||
    rangeParts.some((part, i) => schema.range === undefined || keyOf(part) !== schema.range || i > 0)
  ) {
    throw new ExpressionValidationError(`Query key condition not supported: "${expression}"`);
  }
  return holds(condition, item, input);
}

/** Which attributes an UpdateItem's ReturnValues hands back. */
export type ReturnValues = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';

/**
 * Applies an update expression (SET with values, `+` / `-` and if_not_exists; ADD to a number; REMOVE) to an item,
 * every operand read from the item as it was before, as DynamoDB does. Key attributes cannot be updated.
 */
export function applyUpdate(
  expression: string,
  before: Item,
  input: Placeholders,
  keyAttributes: readonly string[],
): { item: Item; updated: string[] } {
  const actions = parseUpdate(expression);
  const item = { ...before };
  const updated: string[] = [];
  const evaluate = (value: SetValue): unknown => {
    if (value.kind === 'operand') {
      const resolved = resolve(value.operand, before, input);
      if (resolved === undefined) {
        throw new ExpressionValidationError(
          'The provided expression refers to an attribute that does not exist in the item',
        );
      }
      return resolved;
    }
    if (value.kind === 'if_not_exists') return resolve(value.path, before, input) ?? evaluate(value.fallback);
    const left = evaluate(value.left);
    const right = evaluate(value.right);
    if (typeof left !== 'number' || typeof right !== 'number') {
      throw new ExpressionValidationError('An operand in the update expression has an incorrect data type');
    }
    return value.op === '+' ? left + right : left - right;
  };
  for (const action of actions) {
    const name = attributeName(action.path, input);
    if (keyAttributes.includes(name)) {
      throw new ExpressionValidationError(
        `Cannot update attribute ${name}. This attribute is part of the key`,
      );
    }
    if (updated.includes(name)) {
      throw new ExpressionValidationError(`Invalid UpdateExpression: Two document paths overlap: ${name}`);
    }
    updated.push(name);
    if (action.kind === 'REMOVE') {
      delete item[name];
    } else if (action.kind === 'SET') {
      item[name] = evaluate(action.value);
    } else {
      const amount = resolve(action.value, before, input);
      const current = before[name];
      if (typeof amount !== 'number' || (current !== undefined && typeof current !== 'number')) {
        throw new UnsupportedExpressionError('ADD of anything but a number to a number', expression);
      }
      item[name] = (current ?? 0) + amount;
    }
  }
  return { item, updated };
}

/** The attributes an UpdateItem returns for its ReturnValues (none unless asked, as DynamoDB). */
export function returnedAttributes(
  returnValues: ReturnValues | undefined,
  before: Item | undefined,
  after: Item,
  updated: string[],
): Item | undefined {
  const pick = (item: Item | undefined) =>
    item && Object.fromEntries(Object.entries(item).filter(([name]) => updated.includes(name)));
  switch (returnValues ?? 'NONE') {
    case 'NONE':
      return undefined;
    case 'ALL_OLD':
      return before && { ...before };
    case 'UPDATED_OLD':
      return pick(before);
    case 'ALL_NEW':
      return { ...after };
    case 'UPDATED_NEW':
      return pick(after);
  }
}

/** The item cut down to a ProjectionExpression's top-level attributes (the whole item without one). */
export function project(
  item: Item,
  input: Pick<ExpressionInput, 'ProjectionExpression'> & Placeholders,
): Item {
  if (input.ProjectionExpression === undefined) return item;
  const names = parseProjection(input.ProjectionExpression).map((operand) => attributeName(operand, input));
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.includes(name)));
}
