// Types of serve.mjs for the TypeScript tests that use it.

/** A running static server. */
export interface ViewServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the built view at /, v86's build at /v86/ and `imageDir` (a guest image) at /image/. */
export declare function startServer(options?: { imageDir?: string }): Promise<ViewServer>;
/** Chromium flags for a closed, headless machine, with a fresh profile in `profileDir`. */
export declare function chromiumArgs(profileDir: string): string[];
/** Debian's Chromium, or CHROMIUM_PATH. */
export declare const CHROMIUM: string;
