import type { Command } from 'commander';
import { registerWebhookSign } from './webhook-sign.js';
import { registerWebhookSend } from './webhook-send.js';

/** `adcp-codegen webhook sign|send`: the black-box face of the delivery runtime. */
export function registerWebhook(program: Command): void {
  const webhook = program.command('webhook').description('sign or send a single AdCP webhook');
  registerWebhookSign(webhook);
  registerWebhookSend(webhook);
}
