// The one line `check --upstream` prints first, and when upstream counts as different.
import { describe, expect, it } from 'vitest';
import { compareWithUpstream, diffSnapshots } from '../../codegen/diff/index.js';
import { at, baseTree, edited, snapshotOf, type Tree } from './fixture-snapshot.js';

function compare(upstream: Tree, pinnedVersion = '3.1.0') {
  return compareWithUpstream(diffSnapshots(snapshotOf(baseTree(), 'pinned'), snapshotOf(upstream, 'upstream')), pinnedVersion);
}

describe('compareWithUpstream', () => {
  it('is "no changes" and not different for the pinned release itself', () => {
    expect(compare(baseTree())).toMatchObject({ summary: 'upstream 3.1.0 vs pinned 3.1.0: no changes', differs: false });
  });

  it('differs for another release even without a semantic change', () => {
    const upstream = edited((tree) => void (at(tree, 'manifest.json').adcp_version = '3.1.1'));
    expect(compare(upstream)).toMatchObject({
      summary: 'upstream 3.1.1 vs pinned 3.1.0: no changes to the webhook surface, but another release',
      differs: true,
      upstreamVersion: '3.1.1',
    });
  });

  it('counts what changed after the verdict, singular and plural', () => {
    const upstream = edited((tree) => {
      at(tree, 'enums/task-type.json').enum = ['create_thing', 'delete_thing', 'pause_thing', 'resume_thing'];
      at(tree, 'enums/task-status.json').enum = ['working', 'completed', 'failed'];
      at(tree, 'core/mcp-webhook-payload.json', 'properties').note = { type: 'string' };
    });
    expect(compare(upstream).summary).toBe(
      'upstream 3.1.0 vs pinned 3.1.0: breaking for receivers — 2 task types added, 1 enum changed, 1 envelope change',
    );
  });

  it('names the source when upstream declares no version', () => {
    const upstream = edited((tree) => {
      delete at(tree, 'manifest.json').adcp_version;
      at(tree, 'core/push-notification-config.json', 'properties').label = { type: 'string' };
    });
    expect(compare(upstream)).toMatchObject({ summary: 'upstream upstream vs pinned 3.1.0: additive — 1 push-config change', differs: true });
  });
});
