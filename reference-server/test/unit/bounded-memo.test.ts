import { describe, expect, it } from "vitest";
import { boundedMemo } from "../../src/memo/bounded-memo.js";

describe("boundedMemo", () => {
  it("answers repeated keys from memory, at most maxEntries of them, oldest out first", () => {
    const computed: string[] = [];
    const upper = boundedMemo(2, 10, (k: string) => {
      computed.push(k);
      return k.toUpperCase();
    });
    expect([upper("a"), upper("b"), upper("a")]).toEqual(["A", "B", "A"]);
    expect(computed).toEqual(["a", "b"]);
    upper("c"); // evicts "a", the oldest
    upper("b");
    upper("a");
    expect(computed).toEqual(["a", "b", "c", "a"]);
  });

  it("computes but never keeps keys longer than maxKeyLength", () => {
    let calls = 0;
    const len = boundedMemo(8, 3, (k: string) => {
      calls++;
      return k.length;
    });
    expect([len("abcd"), len("abcd"), len("abc"), len("abc")]).toEqual([4, 4, 3, 3]);
    expect(calls).toBe(3);
  });

  it("remembers falsy and null answers too", () => {
    let calls = 0;
    const none = boundedMemo(8, 8, () => {
      calls++;
      return null;
    });
    none("x");
    none("x");
    expect(calls).toBe(1);
  });
});
