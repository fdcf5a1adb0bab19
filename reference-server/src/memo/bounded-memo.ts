/**
 * Remembers a pure function of a string, for inputs that arrive on every call (a CA header, an
 * address). Bounded twice, so hostile input cannot pin memory: at most `maxEntries` answers,
 * oldest out first, and keys longer than `maxKeyLength` are computed but never kept.
 */
export function boundedMemo<V>(
  maxEntries: number,
  maxKeyLength: number,
  compute: (key: string) => V,
): (key: string) => V {
  const memo = new Map<string, V>();
  return (key) => {
    if (memo.has(key)) return memo.get(key) as V;
    const value = compute(key);
    if (key.length <= maxKeyLength) {
      if (memo.size >= maxEntries) memo.delete(memo.keys().next().value as string);
      memo.set(key, value);
    }
    return value;
  };
}
