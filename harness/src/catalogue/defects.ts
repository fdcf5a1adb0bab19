// The defect catalogue (fixtures/defects.yaml): for every deliberate defect of
// the reference server, what it does wrong and exactly which requirements a
// run of the whole suite fails (and warns) with it. The catalogue test holds
// runs to it in both directions (no defect missed, no requirement dragged
// along); docs/defects.md is rendered from it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { REPO_ROOT } from "../spec/requirements.js";

const Requirements = z.array(z.string().regex(/^AH-[A-Z]+-\d+$/));

/** What a run with the defect must fail and warn about: exactly these requirements. */
const expected = { fails: Requirements, warns: Requirements.default([]) };

const Defect = z.object({ description: z.string().min(1), ...expected }).strict();

const Combination = z
  .object({ defects: z.array(z.string()).min(2), why: z.string().min(1), ...expected })
  .strict();

/**
 * A masking combination: the masked defect's own set must still fail. Where the suite cannot
 * see part of it yet, `masked` names those requirements (known gaps) and `cascades` what fails
 * beyond the union; the catalogue test fails on a stale entry of either (the gap was closed).
 */
const Masking = z
  .object({
    defects: z.array(z.string()).min(2),
    why: z.string().min(1),
    ...expected,
    masked: Requirements.default([]),
    cascades: Requirements.default([]),
  })
  .strict();

const Heavy = z.object({ defect: z.string(), tags: z.string(), ...expected }).strict();

const Catalogue = z
  .object({
    defects: z.record(z.string(), Defect),
    combinations: z.array(Combination).default([]),
    maskingCombinations: z.array(Masking).default([]),
    heavy: z.array(Heavy).default([]),
  })
  .strict();

export type DefectCatalogue = z.infer<typeof Catalogue>;

export const CATALOGUE_PATH = join(REPO_ROOT, "fixtures", "defects.yaml");

export function loadCatalogue(path = CATALOGUE_PATH): DefectCatalogue {
  return Catalogue.parse(parse(readFileSync(path, "utf8")));
}

const ids = (xs: readonly string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(", ") : "—");

/** The generated part of docs/defects.md. */
export function renderCatalogue(c: DefectCatalogue): string {
  const lines = [
    "| defect | what the provider does wrong | fails exactly | warns |",
    "|---|---|---|---|",
    ...Object.entries(c.defects).map(
      ([name, d]) =>
        `| \`${name}\` | ${d.description.replace(/\|/g, "\\|")} | ${ids(d.fails)} | ${ids(d.warns)} |`,
    ),
  ];
  if (c.combinations.length) {
    lines.push(
      "",
      "Defects combined (`AUTH_HEADERS_DEFECT=a,b`): each cause is still reported, none hides the other.",
      "",
    );
    lines.push("| defects | why | fails exactly | warns |", "|---|---|---|---|");
    for (const k of c.combinations)
      lines.push(
        `| ${k.defects.map((d) => `\`${d}\``).join(" + ")} | ${k.why} | ${ids(k.fails)} | ${ids(k.warns)} |`,
      );
  }
  if (c.maskingCombinations.length) {
    lines.push(
      "",
      "Masking combinations: each defect with a broken identity (`bearer-bearer`) or a refused header-less `initialize` (`require-headers-on-initialize`), run on the scenarios of the masked defect's own requirements, must still fail its own set. A refusal is judged by the contact witness, whatever the credential (docs/design.md \"Contact witness\"); a refusal expected at TLS verification fails on an answer only an API server gives (401, 403, 404); another tenant's latency counts any such answer. What the suite cannot see is named in the table (held like an expected failure: the catalogue test fails when it is closed and the entry is stale): whose credential a request carried is unobservable when the API server rejects it, so cross-talk between two identities that both fail stays hidden.",
      "",
    );
    lines.push(
      "| defects | must fail | not seen yet (masked) | fails beyond (cascade) |",
      "|---|---|---|---|",
    );
    for (const k of c.maskingCombinations)
      lines.push(
        `| ${k.defects.map((d) => `\`${d}\``).join(" + ")} | ${ids(k.fails)} | ${ids(k.masked)} | ${ids(k.cascades)} |`,
      );
  }
  if (c.heavy.length) {
    lines.push("", "The heavy scenarios, each run alone against the defect it is built to find:", "");
    lines.push("| defect | scenarios | fails exactly |", "|---|---|---|");
    for (const h of c.heavy) lines.push(`| \`${h.defect}\` | \`${h.tags}\` | ${ids(h.fails)} |`);
  }
  return `${lines.join("\n")}\n`;
}

export const BEGIN = "<!-- generated from fixtures/defects.yaml: npm run docs:defects -->";
export const END = "<!-- end of generated part -->";

/** docs/defects.md with its generated part replaced. */
export function withCatalogue(doc: string, c: DefectCatalogue): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/defects.md lacks the markers ${BEGIN} … ${END}`);
  return `${doc.slice(0, a + BEGIN.length)}\n\n${renderCatalogue(c)}\n${doc.slice(b)}`;
}
