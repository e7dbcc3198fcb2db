// Decides the envelope `protocol` value of every task type. No normative task-type → protocol table
// exists (neither core/mcp-webhook-payload.json nor enums/adcp-protocol.json defines one), so the
// value is derived from the two machine-readable sources:
//   1. manifest.json `tools[<task>].protocol` (the tool's "protocol surface", derived from its
//      schema directory), and
//   2. the task-type enumDescriptions prefix "<Domain> domain: …" (the task type's own statement).
// Each source word maps onto an adcp-protocol enum value: a word that IS a member maps to itself;
// the other words go through VOCABULARY_TO_PROTOCOL below. Agreeing sources (or a single source)
// decide; disagreeing sources need an entry in DISAGREEMENT_RESOLUTIONS. Anything else fails
// generation naming the task type: the generator never guesses.
import { CodegenError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../load/json.js';
import { hasMember, type EnumModel } from './enums.js';

export interface TaskTypeProtocol {
  readonly taskType: string;
  /** adcp-protocol value, or null = omit the optional `protocol` field */
  readonly protocol: string | null;
  /** how the value was decided, for the generated JSDoc */
  readonly derivation: string;
}

interface Decision {
  readonly protocol: string | null;
  readonly why: string;
}

/**
 * Source words that are not adcp-protocol values (manifest `protocol` / enumDescriptions domain).
 * - property → governance: adcp-protocol's enumDescription for governance is "Property governance
 *   (identity, authorization, data, selection), brand standards, and compliance"; property lists
 *   are that surface.
 * - account → null: accounts (sync_accounts, get_account_financials) are commercial plumbing shared
 *   by every protocol and no adcp-protocol value covers them; `protocol` is optional, so it is
 *   omitted rather than guessed (the two reference implementations disagree: governance vs media-buy).
 * - protocol → null: 3.2's "Protocol domain" (sync_agent_notification_configs) is protocol-level
 *   plumbing, not one of the protocols the enum lists; omitted for the same reason.
 */
const VOCABULARY_TO_PROTOCOL: Readonly<Record<string, Decision>> = {
  property: { protocol: 'governance', why: 'property lists are the governance protocol surface' },
  account: { protocol: null, why: 'no adcp-protocol value covers accounts; protocol omitted' },
  protocol: { protocol: null, why: 'protocol-level task, not one of the adcp-protocol values; protocol omitted' },
};

/**
 * Task types whose manifest protocol and enumDescriptions domain disagree, resolved by hand.
 * - sync_creatives: manifest "creative" (its schema lives in creative/), enumDescriptions
 *   "Media-buy domain". The envelope schema's own example ("Webhook for failed sync_creatives")
 *   carries `"protocol": "media-buy"`, so media-buy.
 * - build_creative: manifest "media-buy" (its schema lives in media-buy/), enumDescriptions
 *   "Creative domain"; adcp-protocol's creative value covers "creative asset management … and
 *   rendering" and both reference implementations say creative, so creative.
 */
const DISAGREEMENT_RESOLUTIONS: Readonly<Record<string, Decision>> = {
  sync_creatives: { protocol: 'media-buy', why: 'the envelope schema example uses media-buy for sync_creatives' },
  build_creative: { protocol: 'creative', why: 'creative asset generation is the creative protocol' },
};

export function decideTaskTypeProtocols(
  taskTypes: EnumModel,
  protocols: EnumModel,
  manifest: JsonObject | undefined,
  display: { taskTypes: string; manifest: string },
): TaskTypeProtocol[] {
  const tools = manifest && isJsonObject(manifest['tools']) ? manifest['tools'] : {};
  return taskTypes.members.map((member) => {
    const fail = (why: string): never => {
      throw new CodegenError(`cannot decide the protocol of task type "${member.value}": ${why}`, display.taskTypes);
    };
    const tool = tools[member.value];
    const manifestWord = isJsonObject(tool) && typeof tool['protocol'] === 'string' ? tool['protocol'] : undefined;
    const domainWord = member.description?.match(/^([A-Za-z-]+) domain:/)?.[1]?.toLowerCase();
    const fromManifest = manifestWord === undefined ? undefined : toProtocol(manifestWord, protocols, fail);
    const fromDomain = domainWord === undefined ? undefined : toProtocol(domainWord, protocols, fail);
    const sources = `manifest: ${manifestWord ?? '(no tool entry)'}; enumDescriptions: ${domainWord ?? '(no "<Domain> domain:" prefix)'}`;

    if (!fromManifest && !fromDomain) return fail(`no manifest.json tools entry and no "<Domain> domain:" enumDescriptions prefix (see ${display.manifest})`);
    if (fromManifest && fromDomain && fromManifest.protocol !== fromDomain.protocol) {
      const resolution = DISAGREEMENT_RESOLUTIONS[member.value];
      const candidates = [fromManifest.protocol, fromDomain.protocol];
      if (!resolution || !candidates.includes(resolution.protocol)) {
        return fail(`${sources} disagree (${String(fromManifest.protocol)} vs ${String(fromDomain.protocol)}); add a reviewed entry to DISAGREEMENT_RESOLUTIONS in codegen/model/protocol-table.ts`);
      }
      return { taskType: member.value, protocol: resolution.protocol, derivation: `${sources} disagree; resolved by hand: ${resolution.why}` };
    }
    const decided = (fromManifest ?? fromDomain)!;
    return { taskType: member.value, protocol: decided.protocol, derivation: decided.why ? `${sources}; ${decided.why}` : sources };
  });
}

function toProtocol(word: string, protocols: EnumModel, fail: (why: string) => never): Decision {
  if (hasMember(protocols, word)) return { protocol: word, why: '' };
  const mapped = VOCABULARY_TO_PROTOCOL[word];
  if (!mapped) return fail(`"${word}" is neither an adcp-protocol value nor in VOCABULARY_TO_PROTOCOL`);
  if (mapped.protocol !== null && !hasMember(protocols, mapped.protocol)) {
    return fail(`"${word}" maps to "${mapped.protocol}", which this release's adcp-protocol enum lacks`);
  }
  return mapped;
}
