// Target profile: how to start/reach a provider, its tool names, and the
// optional capabilities it claims. Parsed from YAML and checked with zod.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { REQUIRED_TOOLS } from "../../../reference-server/src/wire/constants.js";
import { NEVER_PASSED } from "../target/environment.js";

export const CAPABILITIES = [
  "meta",
  "stdio",
  "stateless",
  "allowlist",
  "insecure-opt-in",
  "plain-http-opt-in",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const placeholderString = (name: string, placeholder: string) =>
  z
    .string()
    .min(1)
    .refine((s) => s.includes(placeholder), { message: `${name} must contain ${placeholder}` });

const validRegex = (s: string) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
};

export const ProfileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    target: z
      .object({
        /** Shell command starting the provider over HTTP; `{port}` is replaced by a free loopback port. */
        command: placeholderString("target.command", "{port}").optional(),
        /** MCP endpoint once started; `{port}` is replaced. Ignored when readyPattern captures a URL. */
        url: z.string().default("http://127.0.0.1:{port}/mcp"),
        /** Regex matched against the provider's stdout+stderr; when it has a group, the group is the URL. */
        readyPattern: z.string().refine(validRegex, { message: "not a valid regular expression" }).optional(),
        startupTimeoutMs: z.number().int().positive().default(20_000),
        /** Shell command starting the provider over stdio (capability `stdio`). */
        stdioCommand: z.string().min(1).optional(),
        env: z.record(z.string()).default({}),
        /** Variables of the harness's environment passed to the provider by name (its environment is otherwise an allowlist). */
        passEnv: z
          .array(
            z
              .string()
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")
              .refine((n) => !NEVER_PASSED.test(n), {
                message:
                  "the harness never passes AHC_*, GITHUB_*, ACTIONS_*, RUNNER_* or KUBECONFIG to a provider",
              }),
          )
          .default([]),
        /** Working directory, relative to the repository root. */
        cwd: z.string().default("."),
      })
      .strict()
      .default({}),
    /** Spec tool name → the provider's tool name (identity when absent). */
    tools: z
      .record(z.string().min(1))
      .default({})
      .superRefine((tools, ctx) => {
        for (const k of Object.keys(tools)) {
          if (!(REQUIRED_TOOLS as readonly string[]).includes(k)) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, message: `unknown spec tool "${k}"`, path: [k] });
          }
        }
      }),
    capabilities: z.array(z.enum(CAPABILITIES)).default([]),
    flags: z
      .object({
        stateless: z.string().min(1).optional(),
        allowlist: placeholderString("flags.allowlist", "{servers}").optional(),
        insecureOptIn: z.string().min(1).optional(),
        plainHttpOptIn: z.string().min(1).optional(),
        requestTimeout: placeholderString("flags.requestTimeout", "{ms}").optional(),
      })
      .strict()
      .default({}),
    /** The provider's upstream request timeout without flags (spec default 10 s). */
    defaultRequestTimeoutMs: z.number().int().positive().default(10_000),
  })
  .strict()
  .superRefine((p, ctx) => {
    const caps = new Set(p.capabilities);
    if (caps.size !== p.capabilities.length) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["capabilities"], message: "duplicate capability" });
    }
    const need = (cap: Capability, ok: boolean, what: string) => {
      if (caps.has(cap) && !ok) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["capabilities"],
          message: `capability "${cap}" is claimed but ${what} is not set, so it cannot be exercised`,
        });
      }
    };
    need("stdio", !!p.target.stdioCommand, "target.stdioCommand");
    need("stateless", !!p.flags.stateless, "flags.stateless");
    need("allowlist", !!p.flags.allowlist, "flags.allowlist");
    need("insecure-opt-in", !!p.flags.insecureOptIn, "flags.insecureOptIn");
    need("plain-http-opt-in", !!p.flags.plainHttpOptIn, "flags.plainHttpOptIn");
  });

export type Profile = z.infer<typeof ProfileSchema>;

export class ProfileError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
    this.name = "ProfileError";
  }
}

export function parseProfile(text: string, source = "profile"): Profile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ProfileError(`${source}: not valid YAML: ${(e as Error).message}`);
  }
  const r = ProfileSchema.safeParse(raw ?? {});
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ProfileError(`${source}: invalid profile\n  ${issues.join("\n  ")}`, issues);
  }
  return r.data;
}

export function loadProfile(path: string): Profile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ProfileError(`cannot read profile ${path}: ${(e as Error).message}`);
  }
  return parseProfile(text, path);
}

/** The provider's name for a spec tool. */
export function toolName(profile: Pick<Profile, "tools">, specName: string): string {
  return profile.tools[specName] ?? specName;
}

/** Capability tags (`@meta`, …) present in `tags`. */
export function capabilityTags(tags: readonly string[]): Capability[] {
  return CAPABILITIES.filter((c) => tags.includes(`@${c}`));
}

/** Capabilities a scenario needs that the profile does not claim. */
export function unclaimed(tags: readonly string[], claimed: readonly string[]): Capability[] {
  return capabilityTags(tags).filter((c) => !claimed.includes(c));
}
