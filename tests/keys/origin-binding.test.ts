// eTLD+1 origin binding (security.mdx "Discovering an agent's signing keys via brand_json_url",
// step 3) on the PSL snapshot bundled with the pinned tldts: ICANN and PRIVATE suffixes, case and
// IDNA canonical forms, and the authorized_operators fallback.
import { describe, expect, it } from 'vitest';
import { bindAgentToBrandJson, registrableDomainOf } from '../../src/runtime/keys/discovery/origin-binding.js';

describe('registrableDomainOf', () => {
  it('uses ICANN and PRIVATE public suffixes', () => {
    expect(registrableDomainOf('https://agent.seller.co.uk/mcp')).toBe('seller.co.uk');
    expect(registrableDomainOf('https://tenant-a.vercel.app/mcp')).toBe('tenant-a.vercel.app');
    expect(registrableDomainOf('https://someone.github.io/x')).toBe('someone.github.io');
  });

  it('compares canonical hosts: lower case, A-label', () => {
    expect(registrableDomainOf('https://Agent.EXAMPLE.com/mcp')).toBe('example.com');
    expect(registrableDomainOf('https://agent.bücher.example/mcp')).toBe('xn--bcher-kva.example');
  });

  it('has no registrable domain for IP literals or a bare suffix', () => {
    expect(registrableDomainOf('https://127.0.0.1/mcp')).toBeUndefined();
    expect(registrableDomainOf('https://vercel.app/')).toBeUndefined();
  });
});

describe('bindAgentToBrandJson', () => {
  it('binds the same eTLD+1 and refuses two tenants of one platform suffix', () => {
    expect(bindAgentToBrandJson('https://ads.seller.com/mcp', 'https://seller.com/.well-known/brand.json', [])).toEqual({ ok: true, via: 'same_etld1' });
    expect(bindAgentToBrandJson('https://attacker.vercel.app/mcp', 'https://victim.vercel.app/.well-known/brand.json', [])).toEqual({
      ok: false,
      agentEtld1: 'attacker.vercel.app',
      brandJsonEtld1: 'victim.vercel.app',
    });
  });

  it('accepts a delegated operator domain in any case, and only the exact eTLD+1', () => {
    const brandJson = 'https://brand.example/.well-known/brand.json';
    expect(bindAgentToBrandJson('https://agent.ops.example/mcp', brandJson, ['OPS.example'])).toEqual({ ok: true, via: 'authorized_operator' });
    expect(bindAgentToBrandJson('https://agent.ops.example/mcp', brandJson, ['agent.ops.example'])).toMatchObject({ ok: false });
  });
});
