import { CacheError } from './cache-error.js';

// Digits-and-dots release numbers with an optional prerelease tag (3.1.19, 3.2.0-beta.5). The version
// ends up in URLs and paths, so nothing else is accepted.
const RELEASE_VERSION = /^\d{1,4}\.\d{1,4}\.\d{1,4}(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?$/;

export function isReleaseVersion(value: string): boolean {
  return RELEASE_VERSION.test(value);
}

export function assertReleaseVersion(version: string): string {
  if (!isReleaseVersion(version)) {
    throw new CacheError(`--version ${JSON.stringify(version)} is not an AdCP release version (expected e.g. 3.1.19, or latest)`);
  }
  return version;
}
