import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * What a view shows from the API: the value, whether a load runs, the error of the last one. A load started
 * later wins: an older one that answers after it changes nothing (the view moved on, or reloaded).
 */
export class Loader<T> implements ReactiveController {
  value: T | undefined = undefined;
  loading = false;
  error: unknown = undefined;
  private loads = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly fetch: () => Promise<T>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

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
