// HTTP adapters for the webhook receiver: node:http, Express, Fastify, Fetch API.
export { nodeHttpWebhookHandler, type NodeRequestListener } from './node-http.js';
export { expressWebhookHandler, type ExpressLikeHandler, type ExpressLikeRequest } from './express.js';
export {
  registerFastifyWebhookRoute,
  type FastifyLikeInstance,
  type FastifyLikeReply,
  type FastifyLikeRequest,
} from './fastify.js';
export { fetchWebhookHandler } from './fetch.js';
