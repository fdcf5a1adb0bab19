// Per-feature scenario state. Each feature declares its own typed key next to
// its steps (`new FeatureKey<SlowState>("slow")`), so the World carries no
// field of any one feature and a value's type travels with its key.
export class FeatureKey<T> {
  declare readonly _type: T;
  constructor(readonly name: string) {}
}

export class FeatureStates {
  private readonly values = new Map<FeatureKey<unknown>, unknown>();

  get<T>(key: FeatureKey<T>): T | undefined {
    return this.values.get(key) as T | undefined;
  }

  set<T>(key: FeatureKey<T>, value: T): T {
    this.values.set(key, value);
    return value;
  }

  /** The value, made by `init` on first use. */
  of<T>(key: FeatureKey<T>, init: () => T): T {
    return this.get(key) ?? this.set(key, init());
  }
}
