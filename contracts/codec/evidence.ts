/**
 * The JSON evidence of a value a producer failed to encode: JSON text of anything JavaScript can hand the codec,
 * without losing what JSON cannot carry. `JSON.stringify` throws on a BigInt or a cycle and silently drops or
 * rewrites undefined, NaN, ±Infinity, −0, functions, symbols, Maps and Sets; here each becomes a tagged object
 * instead — `{"$bigint":"12"}`, `{"$circular":"lines[2]"}` (the path of the ancestor it points back to),
 * `{"$number":"NaN"}`, `{"$undefined":true}`, `{"$function":"name"}`, `{"$symbol":"desc"}`,
 * `{"$map":[[k,v],…]}`, `{"$set":[…]}`, `{"$bytes":"<base64>"}`, `{"$error":"<why it could not be read>"}`
 * (a throwing getter or toJSON, a revoked proxy), `{"$depth":64}` past 64 levels of nesting. Never throws.
 */
import { formatPath } from './violation';

/** Nesting below this depth is cut (`{"$depth":64}`): a hostile value could otherwise overflow the stack. */
export const EVIDENCE_MAX_DEPTH = 64;

/** The JSON evidence text of `value` (see the module comment). */
export function evidenceJson(value: unknown): string {
  const ancestors: object[] = [];
  const paths: Array<Array<string | number>> = [];
  const out: string[] = [];
  const tag = (name: string, v: string | boolean | number) => out.push(`{${JSON.stringify(`$${name}`)}:${typeof v === 'string' ? JSON.stringify(v) : String(v)}}`);

  const write = (v: unknown, path: Array<string | number>): void => {
    switch (typeof v) {
      case 'string':
        out.push(JSON.stringify(v));
        return;
      case 'number':
        if (Number.isFinite(v) && !Object.is(v, -0)) out.push(String(v));
        else tag('number', Object.is(v, -0) ? '-0' : String(v));
        return;
      case 'boolean':
        out.push(v ? 'true' : 'false');
        return;
      case 'bigint':
        tag('bigint', v.toString());
        return;
      case 'undefined':
        tag('undefined', true);
        return;
      case 'function':
        tag('function', safe(() => v.name) || '(anonymous)');
        return;
      case 'symbol':
        tag('symbol', safe(() => v.description) ?? '');
        return;
    }
    if (v === null) {
      out.push('null');
      return;
    }
    const o = v as object;
    const at = ancestors.indexOf(o);
    if (at >= 0) {
      tag('circular', formatPath(paths[at]) || '(root)');
      return;
    }
    if (ancestors.length >= EVIDENCE_MAX_DEPTH) {
      tag('depth', EVIDENCE_MAX_DEPTH);
      return;
    }
    ancestors.push(o);
    paths.push(path);
    const mark = out.length;
    try {
      writeObject(o, path);
    } catch (err) {
      out.length = mark;
      tag('error', err instanceof Error ? err.message : String(err));
    } finally {
      ancestors.pop();
      paths.pop();
    }
  };

  const writeObject = (o: object, path: Array<string | number>): void => {
    if (o instanceof Uint8Array) {
      tag('bytes', Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString('base64'));
      return;
    }
    if (o instanceof Map) {
      out.push('{"$map":[');
      let i = 0;
      for (const [k, x] of o) {
        if (i) out.push(',');
        out.push('[');
        write(k, [...path, i]);
        out.push(',');
        write(x, [...path, i]);
        out.push(']');
        i++;
      }
      out.push(']}');
      return;
    }
    if (o instanceof Set) {
      out.push('{"$set":[');
      let i = 0;
      for (const x of o) {
        if (i) out.push(',');
        write(x, [...path, i++]);
      }
      out.push(']}');
      return;
    }
    const toJSON = (o as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const mark = out.length;
      try {
        const j = (toJSON as () => unknown).call(o);
        if (j !== o) {
          ancestors.pop(); // the replacement stands in for this object at the same place
          paths.pop();
          try {
            write(j, path);
          } finally {
            ancestors.push(o);
            paths.push(path);
          }
          return;
        }
      } catch (err) {
        out.length = mark;
        tag('error', `toJSON threw: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
    }
    if (Array.isArray(o)) {
      out.push('[');
      for (let i = 0; i < o.length; i++) {
        if (i) out.push(',');
        let x: unknown;
        try {
          x = o[i];
        } catch (err) {
          tag('error', err instanceof Error ? err.message : String(err));
          continue;
        }
        write(x, [...path, i]);
      }
      out.push(']');
      return;
    }
    const keys = Object.keys(o);
    out.push('{');
    let first = true;
    for (const k of keys) {
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(k), ':');
      let x: unknown;
      try {
        x = (o as Record<string, unknown>)[k];
      } catch (err) {
        tag('error', err instanceof Error ? err.message : String(err));
        continue;
      }
      write(x, [...path, k]);
    }
    out.push('}');
  };

  write(value, []);
  return out.join('');
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
