import { After, Before, setDefaultTimeout, setWorldConstructor } from "@cucumber/cucumber";
import { unclaimed } from "../profile/schema.js";
import { SKIP_REASON_PREFIX } from "../report/messages.js";
import { ConformanceWorld } from "../world/world.js";

setWorldConstructor(ConformanceWorld);
setDefaultTimeout(90_000);

Before(async function (this: ConformanceWorld, { pickle }) {
  const tags = pickle.tags.map((t) => t.name);
  const missing = unclaimed(tags, this.profile.capabilities);
  if (missing.length > 0) {
    this.attach(`${SKIP_REASON_PREFIX}capability not claimed: ${missing.join(", ")}`, "text/plain");
    return "skipped";
  }
  await this.markAll();
  return undefined;
});

After(async function (this: ConformanceWorld) {
  await this.dispose();
});
