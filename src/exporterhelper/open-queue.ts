// Builds an exporter's sending queue: in memory, or on disk in the directory a storage
// extension (`sending_queue.storage: file_storage/<name>`) gives this exporter. One queue per
// exporter id carries every signal (each item records its own).
import type { SendingQueueSettings } from '../config/schema-helpers.ts';
import type { CreateSettings, Host } from '../pipeline/component.ts';
import { MemoryQueue } from '../queue/memory-queue.ts';
import { PersistentQueue } from '../queue/persistent-queue.ts';
import type { SendQueue } from '../queue/types.ts';

export interface OpenedQueue {
  queue: SendQueue;
  /** True for the on-disk queue: its contents outlive the process. */
  persistent: boolean;
}

export async function openQueue(
  settings: CreateSettings,
  config: SendingQueueSettings,
  host: Host,
): Promise<OpenedQueue> {
  const sizer = config.sizer;
  const capacity = config.queue_size;
  if (config.storage === undefined) return { queue: new MemoryQueue({ sizer, capacity }), persistent: false };
  const ext = host.getExtension(config.storage);
  if (!ext) {
    throw new Error(
      `sending_queue.storage: extension "${config.storage}" is not running (add it under extensions and service.extensions)`,
    );
  }
  if (!ext.storage) {
    throw new Error(`sending_queue.storage: extension "${config.storage}" is not a storage extension`);
  }
  const directory = await ext.storage.directoryFor('exporter', settings.id);
  const queue = await PersistentQueue.open({
    directory,
    sizer,
    capacity,
    fsync: ext.storage.fsync,
    logger: settings.logger,
  });
  return { queue, persistent: true };
}
