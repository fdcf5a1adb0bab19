// AH-ERR-5: argument values that are not Kubernetes names are refused before any request.
import { describe, expect, it } from "vitest";
import { argumentNameRefusal, namespaceProblem, objectNameProblem } from "../../src/tools/names.js";

describe("argument names (AH-ERR-5)", () => {
  it("accepts namespaces and names Kubernetes accepts", () => {
    for (const ns of ["default", "kube-system", "a", "a1-b2", "x".repeat(63)])
      expect(namespaceProblem(ns), ns).toBeUndefined();
    for (const n of ["nginx-1", "system:coredns", "a.b.c", "x".repeat(253), "Pod_Name"])
      expect(objectNameProblem(n), n).toBeUndefined();
  });

  it("refuses path tricks, wrong characters and overlong values", () => {
    for (const ns of ["../../api", "a/b", "UPPER", "-a", "a-", "a.b", "", "x".repeat(64), "a%2Fb", "a b"])
      expect(namespaceProblem(ns), ns).toBeDefined();
    for (const n of [".", "..", "a/b", "a%2Fb", "x".repeat(254), "a\nb", "a b"])
      expect(objectNameProblem(n), n).toBeDefined();
  });

  it("names the argument and the requirement; ignores arguments that are not names", () => {
    const r = argumentNameRefusal("pods_get", { namespace: "default", name: "../secrets" });
    expect(r?.code).toBe("invalid-argument");
    expect(r?.message).toBe(
      `argument "name" of pods_get contains '/' or '%', which no Kubernetes name does (AH-ERR-5).`,
    );
    expect(argumentNameRefusal("pods_list", { labelSelector: "a/b=c" })).toBeUndefined();
  });
});
