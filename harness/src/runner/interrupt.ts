// What a run must undo however it ends (clusters, the private run directory),
// in reverse order, also when SIGINT or SIGTERM stops it (exit 130).
import { EXIT } from "./errors.js";

export class Cleanups {
  private readonly steps: (() => Promise<void>)[] = [];
  private readonly onSignal = () => {
    // the workers die of the same signal; their closed IPC channels are no error to print
    process.on("uncaughtException", () => undefined);
    process.on("unhandledRejection", () => undefined);
    process.stderr.write("interrupted: stopping the target and the clusters…\n");
    void this.run().finally(() => this.exit(EXIT.interrupted));
  };

  constructor(private readonly exit: (code: number) => void = (code) => process.exit(code)) {}

  push(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  /** Runs the cleanups on SIGINT/SIGTERM until `release`. */
  watchSignals(): void {
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step().catch(() => undefined);
  }

  /** Stops watching signals and runs the cleanups. */
  async release(): Promise<void> {
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    await this.run();
  }
}
