// Loaded models, each in its own worker thread (model-host.ts): a model loads on its first request
// and stays (one instance per model); when loading one more would pass the memory budget, the
// least recently used idle models are disposed first. A model in use is never evicted; a model larger than the whole budget still loads (alone,
// as far as eviction can make room) rather than being refused.
import { HttpError } from './http-error.ts';
import type { CatalogModel } from './model-catalog.ts';
import { WorkerModel } from './model-host.ts';
import type { ModelWorkerData } from './model-worker.ts';

interface Entry {
  model: Promise<WorkerModel>;
  cost: number;
  users: number;
  lastUsed: number;
}

/**
 * What a model's weights take in memory once loaded (`info`'s weights_in_memory): the larger of
 * the wasm heap (quantized types kept, others widened) and webgpu's buffers, as `auto` may pick either.
 */
export function modelCost(model: CatalogModel): number {
  const { wasm, webgpu } = model.info.weightsInMemory;
  return Math.max(wasm.bytes, webgpu.bytes);
}

export class ModelCache {
  readonly #entries = new Map<string, Entry>();
  readonly #budget: number;
  readonly #loadOptions: ModelWorkerData['options'];
  readonly #log: (line: string) => void;
  #clock = 0;

  constructor(budgetBytes: number, loadOptions: ModelWorkerData['options'], log: (line: string) => void) {
    this.#budget = budgetBytes;
    this.#loadOptions = loadOptions;
    this.#log = log;
  }

  /** Ids of the models loaded (or loading), least recently used first. */
  loaded(): string[] {
    return [...this.#entries].sort((a, b) => a[1].lastUsed - b[1].lastUsed).map(([id]) => id);
  }

  /** Runs `use` with the model loaded; it cannot be evicted until `use` settles. */
  async use<T>(model: CatalogModel, use: (loaded: WorkerModel) => Promise<T>): Promise<T> {
    let entry = this.#entries.get(model.id);
    // A model whose worker died (a crash in a forward) is loaded afresh.
    if (entry && (await entry.model.then((m) => m.dead, () => false))) {
      if (this.#entries.get(model.id) === entry) this.#entries.delete(model.id);
      entry = undefined;
    }
    if (!entry) {
      this.#makeRoom(modelCost(model));
      entry = { model: this.#load(model), cost: modelCost(model), users: 0, lastUsed: 0 };
      this.#entries.set(model.id, entry);
      const loading = entry;
      // A failed load is forgotten, so the next request tries again (and gets the error again).
      entry.model.catch(() => { if (this.#entries.get(model.id) === loading) this.#entries.delete(model.id); });
    }
    entry.users++;
    entry.lastUsed = ++this.#clock;
    try {
      return await use(await entry.model);
    } finally {
      entry.users--;
    }
  }

  async #load(model: CatalogModel): Promise<WorkerModel> {
    try {
      const started = performance.now();
      const loaded = await WorkerModel.start({ path: model.path, options: this.#loadOptions });
      this.#log(`loaded model ${JSON.stringify(model.id)} in ${Math.round(performance.now() - started)} ms: ${loaded.backendDescription}`);
      return loaded;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.#log(`cannot load model ${JSON.stringify(model.id)}: ${JSON.stringify(message)}`);
      throw new HttpError(500, 'model_load_failed', `cannot load model "${model.id}": ${message}`);
    }
  }

  #makeRoom(cost: number): void {
    let used = [...this.#entries.values()].reduce((n, e) => n + e.cost, 0);
    for (const id of this.loaded()) {
      if (used + cost <= this.#budget) return;
      const entry = this.#entries.get(id)!;
      if (entry.users > 0) continue;
      this.#entries.delete(id);
      used -= entry.cost;
      entry.model.then((m) => m.dispose(), () => {});
      this.#log(`evicted model ${JSON.stringify(id)} (memory budget)`);
    }
    if (used + cost > this.#budget) this.#log(`memory budget exceeded: ${Math.round((used + cost) / 2 ** 20)} MiB of models in use, budget ${Math.round(this.#budget / 2 ** 20)} MiB`);
  }

  disposeAll(): void {
    for (const entry of this.#entries.values()) entry.model.then((m) => m.dispose(), () => {});
    this.#entries.clear();
  }
}
