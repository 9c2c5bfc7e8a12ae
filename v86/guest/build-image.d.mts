// Types of build-image.mjs for the TypeScript tests that call it.

/** The kernel command line the guests boot with. */
export declare const KERNEL_ARGS: string;
/** Where built images are cached (ALG_SDK_IMAGE_CACHE, else .cache/v86-images). */
export declare const CACHE_ROOT: string;
/** Builds (or finds in the cache) the guest image; returns its directory. */
export declare function buildGuestImage(options?: { log?: (message: string) => void }): string;
