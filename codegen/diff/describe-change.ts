// One-line English for a change, shared by the human report and the verdict reasons.
import type { SchemaChange } from './schema-change.js';

const MAX_VALUE_CHARS = 60;

export function describeChange(change: SchemaChange): string {
  const subject = change.path === '' ? '(root)' : change.path;
  // Root-level keyword changes read better without a subject: "anyOf branch added (…)".
  const at = change.path === '' ? '' : `${change.path}: `;
  const keyword = change.keyword ?? 'schema';
  switch (change.kind) {
    case 'property-added':
      return `${subject} added (${change.required === true ? 'required' : 'optional'})`;
    case 'property-removed':
      return `${subject} removed`;
    case 'became-required':
      return `${subject} became required`;
    case 'no-longer-required':
      return `${subject} no longer required`;
    case 'constraint-tightened':
    case 'constraint-loosened':
    case 'constraint-changed': {
      const how = change.kind.slice('constraint-'.length);
      return `${at}${keyword} ${formatValue(change.from)} → ${formatValue(change.to)} (${how})`;
    }
    case 'enum-member-added':
      return `${at}enum member ${formatValue(change.to)} added`;
    case 'enum-member-removed':
      return `${at}enum member ${formatValue(change.from)} removed`;
    case 'variant-added':
      return `${at}${keyword} branch added (${formatValue(change.to)})`;
    case 'variant-removed':
      return `${at}${keyword} branch removed (${formatValue(change.from)})`;
    case 'ref-changed':
      return `${at}$ref ${formatValue(change.from)} → ${formatValue(change.to)}`;
    case 'deprecated':
      return change.path === '' ? 'schema deprecated' : `${subject} deprecated`;
    case 'undeprecated':
      return change.path === '' ? 'schema no longer deprecated' : `${subject} no longer deprecated`;
    case 'default-changed':
      return `${at}default ${formatValue(change.from)} → ${formatValue(change.to)}`;
    case 'schema-changed':
      return change.keyword === undefined ? `${at}schema changed` : `${at}\`${change.keyword}\` changed`;
  }
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'none';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
