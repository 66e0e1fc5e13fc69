// The OpenAPI 3 description of the endpoints that exist (served at /api/v1/openapi.json).
import { DEFAULT_LIMIT, MAX_LIMIT } from './params.ts';

const error = {
  description: 'Error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

const time = (name: string, what: string) => ({
  name,
  in: 'query',
  description: `${what}: RFC 3339 (2024-05-01T12:00:00.123456789Z) or Unix nanoseconds`,
  schema: { type: 'string' },
});
const range = [time('start', 'Range start (default: end − 1 h)'), time('end', 'Range end (default: now)')];
const ok = (description: string, schema: object) => ({
  description,
  content: { 'application/json': { schema } },
});
const common = { '400': error, '401': error, '503': error };

export function openApiDocument(version: string): object {
  return {
    openapi: '3.0.3',
    info: {
      title: 'WatchingCat backend API',
      version,
      description:
        'Time ranges accept RFC 3339 or Unix nanoseconds and span at most 31 days. Nanosecond values and int64 attributes are decimal strings; spans use the OTLP/JSON shape (hex ids).',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ bearer: [] }, {}],
    paths: {
      '/health': {
        get: {
          summary: 'Liveness and readiness, with the storage status (never needs a token)',
          security: [],
          responses: { '200': ok('Ready', { type: 'object' }), '503': error },
        },
      },
      '/api/v1/services': {
        get: {
          summary: 'Services seen in server/consumer spans: request rate, error rate, latency percentiles',
          parameters: range,
          responses: { '200': ok('Services', { type: 'object' }), ...common },
        },
      },
      '/api/v1/traces': {
        get: {
          summary: 'Traces with at least one span matching every filter, newest first',
          parameters: [
            { name: 'service', in: 'query', schema: { type: 'string' } },
            { name: 'operation', in: 'query', schema: { type: 'string' } },
            {
              name: 'attr.<key>',
              in: 'query',
              description: 'Span attribute equality filter, e.g. attr.http.method=GET (repeatable keys)',
              schema: { type: 'string' },
            },
            {
              name: 'tags',
              in: 'query',
              description: 'Attribute filters as a JSON object, e.g. {"http.method":"GET"}',
              schema: { type: 'string' },
            },
            {
              name: 'minDuration',
              in: 'query',
              description: 'e.g. 250ms, 1.5s, or nanoseconds',
              schema: { type: 'string' },
            },
            { name: 'maxDuration', in: 'query', schema: { type: 'string' } },
            ...range,
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
            },
          ],
          responses: { '200': ok('Trace summaries', { type: 'object' }), ...common },
        },
      },
      '/api/v1/traces/{traceId}': {
        get: {
          summary: 'Every span of one trace, oldest first',
          parameters: [
            {
              name: 'traceId',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
            },
          ],
          responses: { '200': ok('The trace', { type: 'object' }), '404': error, ...common },
        },
      },
      '/api/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': ok('OpenAPI 3', { type: 'object' }) } },
      },
    },
  };
}
