// Every built-in component. The roles choose among them through configuration; nothing else
// imports component folders directly.
import type { AnyFactory } from '../pipeline/component.ts';
import { Registry } from '../pipeline/registry.ts';
import { factory as otlpReceiver } from './receivers/otlp/factory.ts';
import { factory as batch } from './processors/batch/factory.ts';
import { factory as memoryLimiter } from './processors/memory_limiter/factory.ts';
import { factory as resource } from './processors/resource/factory.ts';
import { factory as attributes } from './processors/attributes/factory.ts';
import { factory as otlpExporter } from './exporters/otlp/factory.ts';
import { factory as otlphttpExporter } from './exporters/otlphttp/factory.ts';
import { factory as debugExporter } from './exporters/debug/factory.ts';
import { factory as healthCheck } from './extensions/health_check/factory.ts';
import { factory as fileStorage } from './extensions/file_storage/factory.ts';
import { factory as bearerTokenAuth } from './extensions/bearertokenauth/factory.ts';

export const builtinFactories: readonly AnyFactory[] = [
  otlpReceiver,
  batch,
  memoryLimiter,
  resource,
  attributes,
  otlpExporter,
  otlphttpExporter,
  debugExporter,
  healthCheck,
  fileStorage,
  bearerTokenAuth,
] as AnyFactory[];

export function builtinRegistry(): Registry {
  return new Registry(builtinFactories);
}
