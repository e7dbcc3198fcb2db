import fc from 'fast-check';
import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validatePushNotificationConfig } from '../../src/generated/index.js';
import { validateWithMemoizedUrl } from '../../src/runtime/webhooks/push-config.js';
import {
  extractPushNotificationConfig,
  REQUIRE_OPERATION_ID_BY_DEFAULT,
  type PushConfigExtraction,
} from '../../src/runtime/webhooks/index.js';
import { anyHostilePlan, arrayPlan, build, FLIPPED_VALUE, leaf, objectPlan } from '../helpers/hostile.js';
import { LOOPBACK_PUSH_POLICY } from './support/wiring.js';

const TOKEN = 'tok_0123456789abcdef0123';
const VALID = { url: 'https://buyer.example.com/webhooks/adcp', operation_id: 'op_123', token: TOKEN };

function rejectionOf(result: PushConfigExtraction | undefined) {
  expect(result?.kind).toBe('rejected');
  if (result?.kind !== 'rejected') throw new Error('expected a rejection');
  for (const error of result.errors) {
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.recovery).toBe('correctable');
  }
  return result.errors;
}

describe('extractPushNotificationConfig: accepted and absent', () => {
  it('returns undefined when the params carry no push config', () => {
    expect(extractPushNotificationConfig({ packages: [] })).toBeUndefined();
    expect(extractPushNotificationConfig({ push_notification_config: null })).toBeUndefined();
    expect(extractPushNotificationConfig(undefined)).toBeUndefined();
    expect(extractPushNotificationConfig('not params')).toBeUndefined();
  });

  it('accepts a valid plain-object config and returns exactly its known fields', () => {
    const result = extractPushNotificationConfig({ push_notification_config: VALID });
    expect(result).toEqual({ kind: 'ok', config: VALID, ignoredFields: [] });
  });

  it('reads the config from a class instance, getters included', () => {
    class CreateMediaBuyRequest {
      readonly idempotency_key = 'idem_0123456789abcdef';
      get push_notification_config() {
        return new (class Config {
          readonly url = VALID.url;
          get operation_id() {
            return 'op_from_getter';
          }
        })();
      }
    }
    const result = extractPushNotificationConfig(new CreateMediaBuyRequest());
    expect(result).toEqual({ kind: 'ok', config: { url: VALID.url, operation_id: 'op_from_getter' }, ignoredFields: [] });
  });

  it('ignores unknown extra fields (the schema allows them) and names them', () => {
    const result = extractPushNotificationConfig({ push_notification_config: { ...VALID, x_routing: 'a', retries: 3 } });
    expect(result).toEqual({ kind: 'ok', config: VALID, ignoredFields: ['x_routing', 'retries'] });
  });

  it('accepts the legacy authentication block (signing mode switch)', () => {
    const authentication = { schemes: ['HMAC-SHA256'], credentials: 'a'.repeat(32) };
    const result = extractPushNotificationConfig({ push_notification_config: { ...VALID, authentication } });
    expect(result?.kind === 'ok' && result.config.authentication).toEqual(authentication);
  });

  it('never reads a push config injected through Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['push_notification_config'] = VALID;
    try {
      expect(extractPushNotificationConfig({})).toBeUndefined();
    } finally {
      delete proto['push_notification_config'];
    }
  });

  it('allows http and loopback only under the unsafe development policy', () => {
    const config = { url: 'http://127.0.0.1:9999/hook', operation_id: 'op_1' };
    expect(extractPushNotificationConfig({ push_notification_config: config }, LOOPBACK_PUSH_POLICY)?.kind).toBe('ok');
    expect(extractPushNotificationConfig({ push_notification_config: config })?.kind).toBe('rejected');
  });
});

describe('extractPushNotificationConfig: bad input gets a typed rejection', () => {
  it.each([
    ['a string', 'https://buyer.example.com/hook'],
    ['an array', [VALID]],
    ['a number', 42],
  ])('rejects push_notification_config given as %s', (_label, value) => {
    const errors = rejectionOf(extractPushNotificationConfig({ push_notification_config: value }));
    expect(errors).toEqual([expect.objectContaining({ field: 'push_notification_config', message: 'push_notification_config must be an object' })]);
  });

  it('rejects a non-string url', () => {
    const errors = rejectionOf(extractPushNotificationConfig({ push_notification_config: { ...VALID, url: 12345 } }));
    expect(errors.map((e) => e.field)).toContain('push_notification_config.url');
  });

  it('rejects a config without url', () => {
    const errors = rejectionOf(extractPushNotificationConfig({ push_notification_config: { operation_id: 'op_1' } }));
    expect(errors.map((e) => e.field)).toEqual(['push_notification_config.url']);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['http:', 'http://buyer.example.com/hook'],
    ['userinfo', 'https://user:pass@buyer.example.com/hook'],
    ['not a URL', 'buyer.example.com/hook'],
  ])('rejects a %s URL', (_label, url) => {
    const errors = rejectionOf(extractPushNotificationConfig({ push_notification_config: { ...VALID, url } }));
    expect(errors.map((e) => e.field)).toEqual(['push_notification_config.url']);
    expect(errors[0]?.message).toMatch(/https|not an allowed webhook destination|uri/);
  });

  it.each([
    'https://10.1.2.3/hook',
    'https://127.0.0.1/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://192.168.0.10:8443/hook',
    'https://[::1]/hook',
    'https://[::ffff:10.0.0.1]/hook',
    'https://localhost/hook',
  ])('rejects the private-range target %s', (url) => {
    const errors = rejectionOf(extractPushNotificationConfig({ push_notification_config: { ...VALID, url } }));
    expect(errors).toEqual([
      expect.objectContaining({ field: 'push_notification_config.url', message: expect.stringContaining('not an allowed webhook destination') }),
    ]);
  });

  it.each([
    ['10 characters', 'x'.repeat(10)],
    ['5,000 characters', 'x'.repeat(5000)],
  ])('rejects a token of %s', (_label, token) => {
    const errors = rejectionOf(extractPushNotificationConfig({ push_notification_config: { ...VALID, token } }));
    expect(errors.map((e) => e.field)).toEqual(['push_notification_config.token']);
  });

  it('rejects an operation_id with spaces', () => {
    const errors = rejectionOf(extractPushNotificationConfig({ push_notification_config: { ...VALID, operation_id: 'op 123' } }));
    expect(errors.map((e) => e.field)).toEqual(['push_notification_config.operation_id']);
  });

  it('requires operation_id by default from AdCP 3.1 on, and the policy can relax it', () => {
    expect(REQUIRE_OPERATION_ID_BY_DEFAULT).toBe(true);
    const params = { push_notification_config: { url: VALID.url } };
    const errors = rejectionOf(extractPushNotificationConfig(params));
    expect(errors).toEqual([expect.objectContaining({ field: 'push_notification_config.operation_id', message: expect.stringContaining('required') })]);
    expect(extractPushNotificationConfig(params, { requireOperationId: false })?.kind).toBe('ok');
  });

  it.each(['__proto__', 'constructor'])('rejects a config carrying the key %s', (key) => {
    const config = JSON.parse(`{"url":"${VALID.url}","operation_id":"op_1","${key}":{"polluted":true}}`) as unknown;
    const errors = rejectionOf(extractPushNotificationConfig({ push_notification_config: config }));
    expect(errors[0]?.message).toBe(`push_notification_config must not contain the key "${key}"`);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects __proto__ inside the authentication block', () => {
    const config = JSON.parse(
      `{"url":"${VALID.url}","operation_id":"op_1","authentication":{"schemes":["Bearer"],"credentials":"${'c'.repeat(32)}","__proto__":{}}}`,
    ) as unknown;
    expect(rejectionOf(extractPushNotificationConfig({ push_notification_config: config }))[0]?.message).toContain('__proto__');
  });

  it('turns a throwing getter into a rejection, never an exception', () => {
    const hostile = {
      get push_notification_config(): unknown {
        throw new Error('boom');
      },
    };
    expect(rejectionOf(extractPushNotificationConfig(hostile))[0]?.message).toBe('push_notification_config could not be read');
    const hostileUrl = {
      push_notification_config: {
        get url(): string {
          throw new Error('boom');
        },
      },
    };
    expect(rejectionOf(extractPushNotificationConfig(hostileUrl))[0]?.field).toBe('push_notification_config.url');
  });

  it('reports every problem at once and never echoes the token or the URL query', () => {
    const secretQuery = 'sig=SECRET-QUERY-VALUE';
    const token = 'short-secret';
    const result = extractPushNotificationConfig({
      push_notification_config: { url: `https://10.0.0.1/hook?${secretQuery}`, token, operation_id: 'bad id' },
    });
    const errors = rejectionOf(result);
    expect(errors.map((e) => e.field).sort()).toEqual([
      'push_notification_config.operation_id',
      'push_notification_config.token',
      'push_notification_config.url',
    ]);
    const text = JSON.stringify(errors);
    expect(text).not.toContain(token);
    expect(text).not.toContain(secretQuery);

    const urlAndId = rejectionOf(
      extractPushNotificationConfig({ push_notification_config: { url: `https://10.0.0.1/hook?${secretQuery}`, operation_id: 'bad id' } }),
    );
    expect(urlAndId.map((e) => e.field).sort()).toEqual(['push_notification_config.operation_id', 'push_notification_config.url']);
    expect(JSON.stringify(urlAndId)).not.toContain(secretQuery);
  });
});

describe('validateWithMemoizedUrl', () => {
  it('agrees with the generated validator on arbitrary configs (same verdict, same issue paths)', () => {
    const member = (valid: fc.Arbitrary<unknown>) => fc.oneof(valid, fc.string(), fc.anything());
    fc.assert(
      fc.property(
        fc.record(
          {
            url: member(fc.oneof(fc.webUrl(), fc.constantFrom('https://a.example/x y', 'mailto:x@y', 'https://[::1', 'https://ok.example/p?q=1'))),
            operation_id: member(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/)),
            token: member(fc.string({ minLength: 10, maxLength: 30 })),
            authentication: member(fc.record({ schemes: fc.constantFrom(['Bearer'], ['HMAC-SHA256'], []), credentials: fc.string({ maxLength: 40 }) })),
          },
          { requiredKeys: [] },
        ),
        (fields) => {
          const direct = validatePushNotificationConfig(fields);
          const memoized = validateWithMemoizedUrl(fields);
          expect(memoized.ok).toBe(direct.ok);
          if (!direct.ok && !memoized.ok) {
            expect(new Set(memoized.errors.map((issue) => issue.path))).toEqual(new Set(direct.errors.map((issue) => issue.path)));
          }
          if (direct.ok && memoized.ok) expect(memoized.value).toEqual(direct.value);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('extractPushNotificationConfig under hostile values (getters and proxies at every depth)', () => {
  const credentials = 'cc237f7fe354609bb41360c6530a2deb7926f3cc55e91df3ff90e37202950b6c';
  const authenticationPlan = fc.oneof(
    {
      weight: 3,
      arbitrary: objectPlan({
        schemes: arrayPlan(leaf(fc.constantFrom('HMAC-SHA256', 'Bearer')), 2),
        credentials: leaf(fc.constantFrom(credentials, credentials, 'short')),
      }),
    },
    { weight: 1, arbitrary: anyHostilePlan },
    { weight: 1, arbitrary: leaf(fc.constant(undefined)) },
  );
  const configPlan = objectPlan({
    url: leaf(fc.constantFrom(VALID.url, VALID.url, 'https://buyer.example.com/h?x=1', 'not a url')),
    operation_id: leaf(fc.constantFrom('op_123', 'op.a:b-c')),
    token: leaf(fc.constantFrom(TOKEN, undefined)),
    authentication: authenticationPlan,
    x_extra: anyHostilePlan,
  });
  const paramsPlan = fc.oneof({ weight: 4, arbitrary: objectPlan({ push_notification_config: configPlan }) }, { weight: 1, arbitrary: anyHostilePlan });

  /** Plain data all the way down: ordinary objects and arrays, frozen, data properties only, none of the caller's. */
  function expectDeepPlainSnapshot(value: unknown, callerObjects: ReadonlySet<object>): void {
    if (typeof value !== 'object' || value === null) {
      expect(typeof value).not.toBe('function');
      return;
    }
    expect(types.isProxy(value)).toBe(false);
    expect(callerObjects.has(value)).toBe(false);
    expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(value));
    expect(Object.isFrozen(value)).toBe(true);
    for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
      expect(descriptor.get).toBeUndefined();
      expect(descriptor.set).toBeUndefined();
      if (descriptor.enumerable === true) expectDeepPlainSnapshot(descriptor.value, callerObjects);
    }
  }

  it('never throws, and an accepted config is a deep, plain, frozen snapshot that the validator accepts', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(paramsPlan, (plan) => {
        const { value: params, created } = build(plan);
        const callerObjects = new Set<object>([...created, FLIPPED_VALUE]);
        let result: PushConfigExtraction | undefined;
        expect(() => {
          result = extractPushNotificationConfig(params);
        }).not.toThrow();
        if (result?.kind === 'rejected') {
          rejected += 1;
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expect(error.code).toBe('INVALID_REQUEST');
          expect(JSON.stringify(result.errors)).not.toContain(credentials);
        }
        if (result?.kind === 'ok') {
          accepted += 1;
          expectDeepPlainSnapshot(result.config, callerObjects);
          expect(validatePushNotificationConfig(result.config).ok).toBe(true);
          expect(JSON.parse(JSON.stringify(result.config))).toEqual(result.config);
        }
      }),
      { numRuns: 5_000 },
    );
    // The plans reach both outcomes often, so the snapshot property is exercised, not vacuous.
    expect(accepted).toBeGreaterThan(250);
    expect(rejected).toBeGreaterThan(250);
  });

  it('keeps none of the caller objects: changing the input afterwards does not change the config', () => {
    const authentication = { schemes: ['HMAC-SHA256'], credentials };
    const input = { push_notification_config: { ...VALID, authentication } };
    const result = extractPushNotificationConfig(input);
    if (result?.kind !== 'ok') throw new Error('expected acceptance');
    authentication.schemes.push('Bearer');
    authentication.credentials = 'replaced';
    expect(result.config.authentication).toEqual({ schemes: ['HMAC-SHA256'], credentials });
    expect(result.config.authentication).not.toBe(authentication);
    expect(Object.isFrozen(result.config.authentication?.schemes)).toBe(true);
  });

  it('reads a getter inside authentication once and reports a throwing one as a field rejection', () => {
    let reads = 0;
    const flipping = {
      schemes: ['HMAC-SHA256'],
      get credentials() {
        reads += 1;
        return reads === 1 ? credentials : 'x';
      },
    };
    const result = extractPushNotificationConfig({ push_notification_config: { ...VALID, authentication: flipping } });
    expect(result).toMatchObject({ kind: 'ok', config: { authentication: { credentials } } });
    expect(reads).toBe(1);
    const throwing = {
      get schemes(): string[] {
        throw new Error('boom');
      },
      credentials,
    };
    const errors = rejectionOf(extractPushNotificationConfig({ push_notification_config: { ...VALID, authentication: throwing } }));
    expect(errors[0]?.field).toBe('push_notification_config.authentication.schemes');
    expect(errors[0]?.message).toBe('push_notification_config.authentication.schemes could not be read');
  });
});
