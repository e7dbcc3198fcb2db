import type { Command } from 'commander';
import { registerWebhookSign } from './webhook-sign.js';
import { registerWebhookSend } from './webhook-send.js';
import { registerWebhookVerify } from './webhook-verify.js';

/** `adcp-codegen webhook sign|send|verify`: the black-box face of the delivery runtime and the receiver. */
export function registerWebhook(program: Command): void {
  const webhook = program.command('webhook').description('sign, send or verify a single AdCP webhook');
  registerWebhookSign(webhook);
  registerWebhookSend(webhook);
  registerWebhookVerify(webhook);
}
