/**
 * The fast-check seed of a property test file: AHC_FUZZ_SEED=<n> replays a run; otherwise a
 * random one, printed, so that any failure (and any run) can be replayed.
 */
export function fuzzSeed(file: string): number {
  const fromEnv = process.env.AHC_FUZZ_SEED;
  const seed = fromEnv ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[${file}] fast-check seed ${seed} (replay: AHC_FUZZ_SEED=${seed})`);
  return seed;
}
