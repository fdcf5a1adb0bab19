import { eventsList } from "./events.js";
import { namespacesList } from "./namespaces.js";
import { podsGet, podsList, podsListInNamespace } from "./pods.js";
import { resourcesGet, resourcesList } from "./resources.js";
import type { ToolDefinition } from "./tool.js";
import { whoami } from "./whoami.js";

export const TOOLS: readonly ToolDefinition[] = [
  namespacesList,
  podsList,
  podsListInNamespace,
  podsGet,
  resourcesList,
  resourcesGet,
  eventsList,
  whoami,
] as ToolDefinition[];
