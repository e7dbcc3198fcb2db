import { describe, expect, it } from 'vitest';
import { CacheError } from '../../codegen/cache/cache-error.js';
import { describeUrl, releaseSite } from '../../codegen/cache/release-site.js';
import { resolveReleaseSource } from '../../codegen/cache/release-source.js';
import { sharedSchemas } from './fixtures.js';

describe('release site', () => {
  it('publishes tarballs under protocol/ and the latest pointer under schemas/', () => {
    const site = releaseSite();
    expect(site.tarballUrl('3.1.19').href).toBe('https://adcontextprotocol.org/protocol/3.1.19.tgz');
    expect(site.latestUrl().href).toBe('https://adcontextprotocol.org/schemas/latest.json');
  });

  it('treats a mirror base as a folder and carries its query string to every URL', () => {
    const site = releaseSite('http://127.0.0.1:8080/mirror/adcp?token=t0k');
    expect(site.tarballUrl('3.2.0-beta.5').href).toBe('http://127.0.0.1:8080/mirror/adcp/protocol/3.2.0-beta.5.tgz?token=t0k');
    expect(describeUrl(site.latestUrl())).toBe('http://127.0.0.1:8080/mirror/adcp/schemas/latest.json');
  });

  it.each([
    ['not a URL', 'nope', /^ADCP_RELEASE_BASE_URL: not a valid URL$/],
    ['another scheme', 'file:///srv/adcp/', /^ADCP_RELEASE_BASE_URL: not an http\(s\) URL$/],
  ])('refuses a base that is %s, naming where it came from', (_name, base, message) => {
    expect(() => releaseSite(base, 'ADCP_RELEASE_BASE_URL')).toThrow(CacheError);
    expect(() => releaseSite(base, 'ADCP_RELEASE_BASE_URL')).toThrow(message);
  });
});

describe('release sources', () => {
  it('classifies directories, URLs and bare versions (on the given site)', async () => {
    const site = releaseSite('http://127.0.0.1:9/');
    expect(await resolveReleaseSource('3.1.19', sharedSchemas, site)).toEqual({ kind: 'dir', path: `${sharedSchemas}/3.1.19` });
    expect(await resolveReleaseSource('9.9.9', sharedSchemas, site)).toEqual({ kind: 'url', url: new URL('http://127.0.0.1:9/protocol/9.9.9.tgz') });
    expect(await resolveReleaseSource('https://x.test/a.tgz', '/', site)).toEqual({ kind: 'url', url: new URL('https://x.test/a.tgz') });
    await expect(resolveReleaseSource('../nowhere', sharedSchemas, site)).rejects.toThrow(/\.\.\/nowhere: schema source not found/);
  });
});
