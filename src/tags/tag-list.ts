/**
 * Tags as the JSON-protocol services send them: a list of {Key, Value} (ssm-contacts), where
 * ssm-incidents sends a map. The tag store keeps maps; these convert, with the rules the list
 * form needs and its model leaves out (Key and Value are optional members there).
 */
import { ValidationError } from '../errors.js';

/** One tag in list form. */
export interface TagPair {
  Key?: string;
  Value?: string;
}

/** A tag list as a map: every entry needs a Key and a Value, and a key may be given once. */
export function normalizeTagList(tags: TagPair[], field: string): Record<string, string> {
  const out: Record<string, string> = {};
  tags.forEach((t, i) => {
    const f = `${field}.${i + 1}.member`;
    if (t.Key === undefined) throw new ValidationError(`${f}.Key`, `Invalid value for ${f}.Key: a tag needs a Key.`);
    if (t.Value === undefined) throw new ValidationError(`${f}.Value`, `Invalid value for ${f}.Value: the tag '${t.Key}' needs a Value.`);
    if (Object.hasOwn(out, t.Key)) throw new ValidationError(`${f}.Key`, `Invalid value for ${f}.Key: the tag key '${t.Key}' is given twice.`);
    out[t.Key] = t.Value;
  });
  return out;
}

/** A tag map in list form, keys in order. */
export function toTagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.keys(tags).sort().map((Key) => ({ Key, Value: tags[Key]! }));
}
