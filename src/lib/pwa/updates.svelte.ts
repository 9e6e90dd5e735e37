/**
 * "Update available — reload": a new deploy's service worker installs in the background and
 * waits; the user decides when the page reloads into it (a reload mid-answer would cut it off).
 */

/** What the service worker registration reports; `apply` activates the waiting version. */
export interface UpdateSource {
  /** Starts listening; returns the function that activates the waiting version (and reloads). */
  start(callbacks: { onNeedRefresh(): void; onOfflineReady(): void }): (reloadPage?: boolean) => Promise<void>;
}

export class AppUpdates {
  /** A new version is installed and waiting for a reload. */
  available = $state(false);
  /** The app shell is cached: Hearth now opens without a network. */
  offlineReady = $state(false);
  /** The user chose "Later" for the waiting version. */
  dismissed = $state(false);
  /** Reloading into the new version. */
  applying = $state(false);

  #activate: ((reloadPage?: boolean) => Promise<void>) | null = null;

  constructor(source: UpdateSource) {
    this.#activate = source.start({
      onNeedRefresh: () => {
        this.available = true;
        this.dismissed = false;
      },
      onOfflineReady: () => (this.offlineReady = true),
    });
  }

  get showPrompt(): boolean {
    return this.available && !this.dismissed;
  }

  /** Activates the waiting version; the page reloads once it controls the page. */
  async apply(): Promise<void> {
    if (!this.available || this.applying) return;
    this.applying = true;
    try {
      await this.#activate?.(true);
    } catch {
      // The waiting worker vanished (e.g. another tab already activated it): a plain reload gets the new version.
      location.reload();
    }
  }

  dismiss(): void {
    this.dismissed = true;
  }
}
