// Exported names of the generated enum modules. Other components code against the first four
// EXACTLY; an enum the envelope/config starts referencing in a later release gets names derived
// from its file name.

export interface EnumNames {
  /** readonly tuple of the members, schema order */
  readonly values: string;
  /** union type */
  readonly type: string;
  /** type guard */
  readonly guard: string;
  /** const object: member → enumDescriptions text */
  readonly descriptions: string;
  /** generated module (without .ts) */
  readonly module: string;
}

const KNOWN_ENUM_NAMES: Readonly<Record<string, EnumNames>> = {
  'enums/task-type.json': {
    values: 'SPEC_WEBHOOK_TASK_TYPES',
    type: 'SpecWebhookTaskType',
    guard: 'isSpecWebhookTaskType',
    descriptions: 'SPEC_WEBHOOK_TASK_TYPE_DESCRIPTIONS',
    module: 'task-types',
  },
  'enums/task-status.json': {
    values: 'TASK_STATUSES',
    type: 'TaskStatus',
    guard: 'isTaskStatus',
    descriptions: 'TASK_STATUS_DESCRIPTIONS',
    module: 'task-statuses',
  },
  'enums/adcp-protocol.json': {
    values: 'ADCP_PROTOCOLS',
    type: 'AdcpProtocol',
    guard: 'isAdcpProtocol',
    descriptions: 'ADCP_PROTOCOL_DESCRIPTIONS',
    module: 'adcp-protocols',
  },
  'enums/auth-scheme.json': {
    values: 'AUTH_SCHEMES',
    type: 'AuthScheme',
    guard: 'isAuthScheme',
    descriptions: 'AUTH_SCHEME_DESCRIPTIONS',
    module: 'auth-schemes',
  },
};

export function enumNamesFor(file: string): EnumNames {
  const known = KNOWN_ENUM_NAMES[file];
  if (known) return known;
  const base = file.replace(/^.*\//, '').replace(/\.json$/, '');
  const words = base.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  const screaming = words.map((w) => w.toUpperCase()).join('_');
  return {
    values: `${screaming}_VALUES`,
    type: pascal,
    guard: `is${pascal}`,
    descriptions: `${screaming}_DESCRIPTIONS`,
    module: `${base}-values`,
  };
}
