/**
 * @packageDocumentation
 * An Amanda backup helper written as a third party writes one: only
 * `@alg-sdk/core`'s public API. It reproduces Linux's `nf_conntrack_amanda`
 * and, on translated connections, `nf_nat_amanda`.
 */
export { amandaHelper, AMANDA_PORT, type AmandaOptions } from "./helper.js";
