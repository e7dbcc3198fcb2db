// Maps the generated validators' issues (JSON pointer + keyword + value-free message) onto
// INVALID_REQUEST errors whose `field` is a dotted request path.
import type { ValidationIssue } from '../../generated/index.js';
import { invalidRequest, type InvalidRequestError } from './invalid-request.js';

export function validatorErrorsToInvalidRequest(
  rootField: string,
  issues: readonly ValidationIssue[],
): InvalidRequestError[] {
  return issues.map((issue) => {
    const field = rootField + pointerToDottedPath(issue.path);
    return invalidRequest(field, `${field} ${issue.message}`);
  });
}

/** `/authentication/schemes/0` → `.authentication.schemes[0]` (RFC 6901 escapes undone). */
export function pointerToDottedPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '';
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('');
}
