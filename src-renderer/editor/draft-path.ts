/**
 * Reading and writing a circuit draft by JSON path, the same paths the schema's
 * validation names (`layers[1].units`, `rule.thetaE.scale`), so an inspector field and
 * its inline error share one key.
 */
export type PathKey = string | number;
type Json = unknown;

export function parsePath(path: string): PathKey[] {
  const keys: PathKey[] = [];
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    keys.push(part.startsWith('[') ? Number(part.slice(1, -1)) : part);
  }
  return keys;
}

/** A deep copy of JSON data (drafts are JSON; this also unwraps Vue's reactive proxies). */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function getAt(root: Json, path: string): Json {
  let node: Json = root;
  for (const key of parsePath(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PathKey, Json>)[key];
  }
  return node;
}

/** A copy of `root` with the value at `path` replaced (undefined removes it); missing objects are created. */
export function setAt<T>(root: T, path: string, value: Json): T {
  const keys = parsePath(path);
  if (keys.length === 0) return value as T;
  const copy = cloneJson(root) as Record<PathKey, Json>;
  let node = copy;
  for (let i = 0; i < keys.length - 1; i++) {
    const next = node[keys[i]];
    if (next === null || typeof next !== 'object') node[keys[i]] = typeof keys[i + 1] === 'number' ? [] : {};
    node = node[keys[i]] as Record<PathKey, Json>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return copy as T;
}
