/** Byte codes the IRC scanner looks for. */
export const SPACE = 0x20;
export const CR = 0x0d;
export const LF = 0x0a;
export const COLON = 0x3a;
