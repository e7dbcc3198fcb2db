import { describe, expect, it } from 'vitest';
import { checkTargetUrlCached } from '../../src/runtime/ssrf/target-url-cache.js';
import { resolveSsrfPolicy } from '../../src/runtime/ssrf/policy.js';
import { checkTargetUrl } from '../../src/runtime/ssrf/target-url.js';

const URLS = [
  'https://buyer.example.com/hook?x=1',
  'http://buyer.example.com/hook',
  'https://127.0.0.1/hook',
  'https://localhost/hook',
  'https://user:pw@buyer.example.com/',
  'https://buyer.example.com:8443/h',
  'not a url',
];

describe('checkTargetUrlCached', () => {
  it('answers exactly as checkTargetUrl, first time and cached, for allowed and refused URLs', () => {
    const policy = resolveSsrfPolicy({});
    for (let round = 0; round < 2; round++) {
      for (const url of URLS) expect(checkTargetUrlCached(url, policy)).toEqual(checkTargetUrl(url, policy));
    }
  });

  it('keeps verdicts per policy: a URL allowed under one policy stays refused under another', () => {
    const unsafe = resolveSsrfPolicy({ unsafeAllowPrivateNetwork: true });
    const strict = resolveSsrfPolicy({});
    const hardened = resolveSsrfPolicy({ allowedPorts: [443] });
    expect(checkTargetUrlCached('http://127.0.0.1:8080/h', unsafe).ok).toBe(true);
    expect(checkTargetUrlCached('http://127.0.0.1:8080/h', strict)).toEqual({ ok: false, errorClass: 'ssrf_blocked' });
    expect(checkTargetUrlCached('https://buyer.example.com:8443/h', strict).ok).toBe(true);
    expect(checkTargetUrlCached('https://buyer.example.com:8443/h', hardened)).toEqual({ ok: false, errorClass: 'ssrf_blocked' });
  });

  it('stays correct past its bound', () => {
    const policy = resolveSsrfPolicy({});
    for (let i = 0; i < 1_100; i++) {
      const check = checkTargetUrlCached(`https://b${i}.example.com/h?i=${i}`, policy);
      expect(check.ok && check.target).toEqual({ origin: `https://b${i}.example.com`, path: `/h?i=${i}` });
    }
  });
});
