import { natTarget, parseAddress, type NatTarget } from "@alg-sdk/core";
import { RuleSyntaxError } from "./errors.js";
import type { Token } from "./lexer.js";
import { didYouMean } from "./suggest.js";

/**
 * One interface of the embedder, as the rules name it: `iifname "lan"`
 * matches packets the embedder said came in on `index` (it writes that
 * number into `engine.interfaces[0]`), and `masquerade` translates to one
 * of `addresses` when a connection leaves by it.
 */
export interface RulesInterface {
  /** The name the rules use (`"lan"`, `"wan"`). */
  readonly name: string;
  /** The number the embedder gives the engine for it: an integer from 1 (0 means unknown). */
  readonly index: number;
  /**
   * The interface's own addresses (`"192.0.2.1"`, `"2001:db8::1"`), for
   * `masquerade`: a connection leaving by the interface takes the first one
   * of its family. A prefix length (`/24`) is ignored.
   */
  readonly addresses?: readonly string[];
}

/** What `compileRules` and `parseRules` take besides the text. */
export interface RulesOptions {
  /**
   * The interfaces `iifname` / `oifname` / `iif` / `oif` may name, and their
   * addresses for `masquerade`. Omitted: rules that name an interface or
   * masquerade are refused (they could never match).
   */
  readonly interfaces?: readonly RulesInterface[];
}

/** The embedder's interfaces, checked once, as the parser and the policy need them. */
export class InterfaceMap {
  /** Whether the caller gave interfaces at all. */
  readonly given: boolean;
  private readonly byName = new Map<string, RulesInterface>();
  /** Masquerade targets by interface index, per family (built once, when compiling). */
  readonly masquerade4 = new Map<number, NatTarget>();
  readonly masquerade6 = new Map<number, NatTarget>();

  constructor(list: readonly RulesInterface[] | undefined) {
    this.given = list !== undefined;
    const indexes = new Set<number>();
    for (const i of list ?? []) {
      if (typeof i.name !== "string" || i.name === "") throw new RangeError("a rules interface needs a name");
      if (!Number.isInteger(i.index) || i.index < 1 || i.index > 0xffffffff) {
        throw new RangeError(`interface ${JSON.stringify(i.name)}: index ${i.index} is not an integer from 1 to 4294967295 (0 means unknown)`);
      }
      if (this.byName.has(i.name)) throw new RangeError(`two interfaces are named ${JSON.stringify(i.name)}`);
      if (indexes.has(i.index)) throw new RangeError(`two interfaces have index ${i.index}`);
      this.byName.set(i.name, i);
      indexes.add(i.index);
      for (const text of i.addresses ?? []) {
        const parsed = parseAddress(text.split("/")[0]!);
        if (parsed === null) throw new RangeError(`interface ${JSON.stringify(i.name)}: ${JSON.stringify(text)} is not an IPv4 or IPv6 address`);
        const targets = parsed.family === 4 ? this.masquerade4 : this.masquerade6;
        if (!targets.has(i.index)) targets.set(i.index, natTarget({ address: text.split("/")[0]! }));
      }
    }
  }

  /**
   * The indexes an interface word names: a name (`"lan"`), a name ending in
   * `*` (every interface whose name starts with the rest, as nft's
   * wildcard), or for `iif` / `oif` also a number. Throws at the token when
   * it names none.
   */
  resolve(t: Token, keyword: string, numeric: boolean): number[] {
    if (t.kind !== "string" && t.kind !== "word") {
      throw new RuleSyntaxError(`expected an interface name after ${keyword}, found ${t.kind === "end" ? "the end of the line" : JSON.stringify(t.text)}`, t.line, t.column);
    }
    if (numeric && t.kind === "word" && /^\d+$/.test(t.text)) {
      const index = Number(t.text);
      if (index < 1 || index > 0xffffffff) throw new RuleSyntaxError(`interface index ${t.text} is not between 1 and 4294967295`, t.line, t.column);
      return [index];
    }
    if (!this.given) {
      throw new RuleSyntaxError(
        `${keyword} names an interface, but no interfaces were given: pass { interfaces: [{ name, index }] } when compiling the rules`,
        t.line,
        t.column,
      );
    }
    const name = t.text;
    if (name.endsWith("*")) {
      const stem = name.slice(0, -1);
      const found = [...this.byName.values()].filter((i) => i.name.startsWith(stem)).map((i) => i.index);
      if (found.length === 0) throw new RuleSyntaxError(`no interface name starts with ${JSON.stringify(stem)} (interfaces: ${this.names()})`, t.line, t.column);
      return found;
    }
    const i = this.byName.get(name);
    if (i === undefined) {
      throw new RuleSyntaxError(`no interface is named ${JSON.stringify(name)} (interfaces: ${this.names()})${didYouMean(name, [...this.byName.keys()])}`, t.line, t.column);
    }
    return [i.index];
  }

  private names(): string {
    return [...this.byName.keys()].join(", ");
  }
}
