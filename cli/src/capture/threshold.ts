/**
 * Files smaller than this are read on the main thread: starting a worker
 * costs about as much as replaying a few megabytes.
 */
export const WORKER_THRESHOLD = 8 * 1024 * 1024;
