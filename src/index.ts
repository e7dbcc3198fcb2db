// Public entry point of adcp-codegen: generated AdCP types plus the webhook delivery runtime.
export {};
