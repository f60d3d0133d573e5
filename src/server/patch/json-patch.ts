/**
 * RFC 6902 JSON patch with RFC 6901 pointers. Error texts follow the Go library the apiserver uses
 * (evanphx/json-patch), since clients print them verbatim.
 */
import { clone, deepEqual, isPlainObject } from './json-merge-patch.js';
import { PatchError } from './types.js';

/** The apiserver refuses patches with more operations than this (413). */
export const maxJsonPatchOperations = 10000;

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
  hasValue: boolean;
}

function decode(ops: unknown): Operation[] {
  if (!Array.isArray(ops)) {
    throw new PatchError(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
      400,
    );
  }
  if (ops.length > maxJsonPatchOperations) {
    throw new PatchError(
      `The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${ops.length}`,
      413,
    );
  }
  return ops.map((raw) => {
    if (!isPlainObject(raw)) {
      throw new PatchError('json: cannot unmarshal into Go value of type jsonpatch.Operation', 400);
    }
    const op = typeof raw.op === 'string' ? raw.op : '';
    const path = raw.path;
    if (typeof path !== 'string') throw new PatchError(`${op} operation missing path`, 422);
    const from = typeof raw.from === 'string' ? raw.from : undefined;
    return { op, path, from, value: raw.value, hasValue: 'value' in raw };
  });
}

/** Splits an RFC 6901 pointer into unescaped tokens; '' is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer: "${pointer}"`, 422);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * A list index as the apiserver's JSON patch library reads it: decimal (Go `Atoi`), negative
 * counting from the end, `-` for the end when adding. Throws for indexes out of range.
 */
function arrayIndex(token: string, length: number, adding: boolean, path: string): number {
  if (adding && token === '-') return length;
  if (!/^[+-]?[0-9]+$/.test(token)) {
    throw new PatchError(`value was not a proper array index: '${token}' in path: "${path}"`, 422);
  }
  const size = adding ? length + 1 : length;
  let i = Number(token);
  if (i < 0) {
    if (i < -size) throw invalidIndex(i);
    i += size;
  }
  if (i >= size) throw invalidIndex(i);
  return i;
}

function invalidIndex(i: number): PatchError {
  return new PatchError(`Unable to access invalid index: ${i}: invalid index referenced`, 422);
}

/** The element a token names in a list, when it names one. */
function elementIndex(token: string, length: number): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(token)) return undefined;
  let i = Number(token);
  if (i < 0) i += length;
  return i >= 0 && i < length ? i : undefined;
}

/** Container and last token of a pointer, or undefined when a parent is missing. */
function locate(doc: unknown, tokens: string[]): { parent: unknown; key: string } | undefined {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i] as string;
    if (Array.isArray(cur)) {
      const idx = elementIndex(t, cur.length);
      if (idx === undefined) return undefined;
      cur = cur[idx];
    } else if (isPlainObject(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, t)) return undefined;
      cur = cur[t];
    } else return undefined;
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) return undefined;
  return { parent: cur, key: tokens[tokens.length - 1] as string };
}

function get(doc: unknown, path: string): { found: boolean; value: unknown } {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return { found: true, value: doc };
  const loc = locate(doc, tokens);
  if (!loc) return { found: false, value: undefined };
  if (Array.isArray(loc.parent)) {
    const idx = elementIndex(loc.key, loc.parent.length);
    if (idx === undefined) return { found: false, value: undefined };
    return { found: true, value: loc.parent[idx] };
  }
  const obj = loc.parent as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(obj, loc.key))
    return { found: false, value: undefined };
  return { found: true, value: obj[loc.key] };
}

function add(doc: unknown, path: string, value: unknown, opName: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const loc = locate(doc, tokens);
  if (!loc) {
    throw new PatchError(
      `${opName} operation does not apply: doc is missing path: "${path}": missing value`,
    );
  }
  if (Array.isArray(loc.parent)) {
    const i = arrayIndex(loc.key, loc.parent.length, true, path);
    loc.parent.splice(i, 0, value);
  } else {
    (loc.parent as Record<string, unknown>)[loc.key] = value;
  }
  return doc;
}

function remove(doc: unknown, path: string, opName: string): { doc: unknown; removed: unknown } {
  const tokens = parsePointer(path);
  const loc = tokens.length === 0 ? undefined : locate(doc, tokens);
  if (!loc) {
    throw new PatchError(
      `${opName} operation does not apply: doc is missing path: "${path}": missing value`,
    );
  }
  if (Array.isArray(loc.parent)) {
    const i = arrayIndex(loc.key, loc.parent.length, false, path);
    const removed: unknown = (loc.parent as unknown[]).splice(i, 1)[0];
    return { doc, removed };
  }
  const obj = loc.parent as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(obj, loc.key)) {
    throw new PatchError(
      `${opName} operation does not apply: doc is missing key: ${path}: missing value`,
    );
  }
  const removed = obj[loc.key];
  delete obj[loc.key];
  return { doc, removed };
}

/** Applies RFC 6902 operations to a copy of `target`; throws PatchError (422, or 400/413). */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  let doc = clone(target);
  for (const o of decode(ops)) {
    switch (o.op) {
      case 'add':
        if (!o.hasValue) throw new PatchError('add operation missing value', 422);
        doc = add(doc, o.path, clone(o.value), 'add');
        break;
      case 'remove':
        doc = remove(doc, o.path, 'remove').doc;
        break;
      case 'replace': {
        if (!o.hasValue) throw new PatchError('replace operation missing value', 422);
        if (o.path === '') {
          doc = clone(o.value);
          break;
        }
        if (!get(doc, o.path).found) {
          throw new PatchError(
            `replace operation does not apply: doc is missing key: ${o.path}: missing value`,
          );
        }
        doc = remove(doc, o.path, 'replace').doc;
        doc = add(doc, o.path, clone(o.value), 'replace');
        break;
      }
      case 'move': {
        if (o.from === undefined) throw new PatchError('move operation missing from', 422);
        if (o.path !== o.from && o.path.startsWith(o.from + '/')) {
          throw new PatchError(
            `move operation does not apply: "${o.from}" is a prefix of "${o.path}"`,
          );
        }
        if (!get(doc, o.from).found) {
          throw new PatchError(
            `move operation does not apply: doc is missing from path: "${o.from}": missing value`,
          );
        }
        const r = remove(doc, o.from, 'move');
        doc = add(r.doc, o.path, r.removed, 'move');
        break;
      }
      case 'copy': {
        if (o.from === undefined) throw new PatchError('copy operation missing from', 422);
        const src = get(doc, o.from);
        if (!src.found) {
          throw new PatchError(
            `copy operation does not apply: doc is missing from path: "${o.from}": missing value`,
          );
        }
        doc = add(doc, o.path, clone(src.value), 'copy');
        break;
      }
      case 'test': {
        const tokens = parsePointer(o.path);
        if (tokens.length > 0 && !locate(doc, tokens)) {
          throw new PatchError(
            `test operation does not apply: is missing path: ${o.path}: missing value`,
          );
        }
        const cur = get(doc, o.path);
        const expected = o.hasValue ? o.value : null;
        const matches = cur.found ? deepEqual(cur.value, expected) : expected === null;
        if (!matches) throw new PatchError(`testing value ${o.path} failed: test failed`);
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${o.op}`, 422);
    }
  }
  return doc;
}
