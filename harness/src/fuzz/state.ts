// What the @fuzz scenario keeps between its steps.
export interface FuzzResult {
  index: number;
  shape: string;
  /** A problem of one case, by requirement. */
  problem?: { requirement: string; kind: string; detail: string };
}

export interface FuzzState {
  results: FuzzResult[];
  seed: number;
  n: number;
}
