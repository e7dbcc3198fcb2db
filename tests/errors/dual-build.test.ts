// `instanceof` across the two builds in one process: an error thrown by the CommonJS build is an
// instance of the ES-module build's classes and the other way round (Symbol.for brand), while
// unrelated classes stay apart. Runs the built dist/ in a child Node process, as a user's app would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');

const SCRIPT = `
import { createRequire } from 'node:module';
const esm = await import(${JSON.stringify(join(REPO, 'dist/src/index.js'))});
const cjs = createRequire(import.meta.url)(${JSON.stringify(join(REPO, 'dist/cjs/src/index.js'))});
const caught = async (work) => { try { await work(); } catch (error) { return error; } return undefined; };
const fromCjs = await caught(() => cjs.openDeliveryStore('nosuch:store'));
const fromEsm = await caught(() => esm.openDeliveryStore('nosuch:store'));
const signCjs = await caught(() => cjs.createHmacSigner({ secret: 'short' }));
const out = {
  distinctCopies: esm.AdcpError !== cjs.AdcpError,
  cjsStoreErrorIsEsmStoreError: fromCjs instanceof esm.DeliveryStoreError,
  cjsStoreErrorIsEsmAdcpError: fromCjs instanceof esm.AdcpError,
  esmStoreErrorIsCjsStoreError: fromEsm instanceof cjs.DeliveryStoreError,
  cjsStoreErrorIsEsmSigningError: fromCjs instanceof esm.SigningConfigError,
  cjsSigningErrorIsEsmSigningError: signCjs instanceof esm.SigningConfigError,
  memoryErrorIsEsmStoreError: new cjs.MemoryStoreError('ADCP_STORE_FULL', 'full') instanceof esm.DeliveryStoreError,
  storeErrorIsNotMemoryError: new cjs.DeliveryStoreError('ADCP_STORE_FAILED', 'x') instanceof esm.MemoryStoreError,
  ssrfIsNotDns: new esm.SsrfBlockedError() instanceof cjs.DnsFailureError,
  plainErrorIsNotAdcp: new Error('x') instanceof cjs.AdcpError,
  forgedIsNotAdcp: { code: 'ADCP_SSRF_BLOCKED', name: 'SsrfBlockedError' } instanceof esm.SsrfBlockedError,
  isAdcpErrorAcross: esm.isAdcpError(fromCjs, 'ADCP_STORE_INVALID_CONFIG'),
  codes: [fromCjs?.code, signCjs?.code],
};
process.stdout.write(JSON.stringify(out));
`;

it('instanceof holds between the ESM and CommonJS builds loaded together', () => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  expect(child.stderr).toBe('');
  expect(JSON.parse(child.stdout)).toEqual({
    distinctCopies: true,
    cjsStoreErrorIsEsmStoreError: true,
    cjsStoreErrorIsEsmAdcpError: true,
    esmStoreErrorIsCjsStoreError: true,
    cjsStoreErrorIsEsmSigningError: false,
    cjsSigningErrorIsEsmSigningError: true,
    memoryErrorIsEsmStoreError: true,
    storeErrorIsNotMemoryError: false,
    ssrfIsNotDns: false,
    plainErrorIsNotAdcp: false,
    forgedIsNotAdcp: false,
    isAdcpErrorAcross: true,
    codes: ['ADCP_STORE_INVALID_CONFIG', 'ADCP_SIGNING_CONFIG_INVALID'],
  });
}, 60_000);
