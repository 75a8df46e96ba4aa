import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * What a view shows from the API: the value, whether a load runs, the error of the last one. A load started
 * later wins: an older one that answers after it changes nothing (the view moved on, or reloaded).
 *
 * With `key` (an item's page or section: the item's id), it forgets the value and loads again whenever the
 * key changes, before the host renders; otherwise the host says when to load.
 */
export class Loader<T> implements ReactiveController {
  value: T | undefined = undefined;
  loading = false;
  error: unknown = undefined;
  private loads = 0;
  private loadedKey: string | undefined = undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly fetch: () => Promise<T>,
    private readonly key?: () => string | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostUpdate(): void {
    const key = this.key?.();
    if (key === this.loadedKey) return;
    this.loadedKey = key;
    this.clear();
    if (key !== undefined) void this.load();
  }

  /** Loads (again); resolves when this load is done, whether or not a newer one replaced it. */
  async load(): Promise<void> {
    const load = ++this.loads;
    this.loading = true;
    this.host.requestUpdate();
    try {
      const value = await this.fetch();
      if (load !== this.loads) return;
      this.value = value;
      this.error = undefined;
    } catch (error) {
      if (load === this.loads) this.error = error;
    } finally {
      if (load === this.loads) {
        this.loading = false;
        this.host.requestUpdate();
      }
    }
  }

  /** Forgets the value and any load under way (the view now shows something else). */
  clear(): void {
    this.loads++;
    this.value = undefined;
    this.error = undefined;
    this.loading = false;
    this.host.requestUpdate();
  }
}
