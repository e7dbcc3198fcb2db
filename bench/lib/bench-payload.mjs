// The webhook envelope every bench sends (the same shape and size as the anchor bench's): one
// completed create_media_buy per index `k`.
const result = { media_buy_id: 'mb_1', status: 'active', packages: [{ package_id: 'pkg_1', product_id: 'p1', budget: 1000 }] };

export function benchPayload(k) {
  return {
    operation_id: `op_${k}`,
    task_id: `task_${k}`,
    task_type: 'create_media_buy',
    status: 'completed',
    timestamp: new Date().toISOString(),
    protocol: 'media-buy',
    token: 'tok_1234567890abcdef',
    result,
  };
}
