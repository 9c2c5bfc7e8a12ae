import { ExpectFlag, type ExpectationHandle } from "./types.js";
import type { Expectation } from "../expect/expectation.js";
import { Tuple } from "../tuple.js";

/** What a handle needs from the engine. */
export interface ExpectationControl {
  remove(e: Expectation): boolean;
  refresh(e: Expectation, seconds: number): boolean;
  /** The engine's clock cell. */
  readonly time: Float64Array;
}

/** An {@link ExpectationHandle}: the creator's grip on one expectation. */
export class ExpectationRef implements ExpectationHandle {
  private tupleValue: Tuple | null = null;

  constructor(
    private readonly e: Expectation,
    private readonly control: ExpectationControl,
  ) {}

  get id(): number {
    return this.e.id;
  }
  get class(): number {
    return this.e.cls;
  }
  get masterId(): number {
    return this.e.masterId;
  }
  get tuple(): Tuple {
    const e = this.e;
    return (this.tupleValue ??= new Tuple(e.family === 6 ? 6 : 4, e.proto, e.src.slice(), e.dst.slice(), e.sport & e.sportMask, e.dport));
  }
  get exactSource(): boolean {
    return this.e.srcMask[0] !== 0;
  }
  get exactSourcePort(): boolean {
    return this.e.sportMask !== 0;
  }
  get flags(): number {
    return this.e.flags;
  }
  get live(): boolean {
    return this.e.live;
  }
  get timeLeft(): number {
    return this.e.live ? Math.max(0, this.e.expires - this.control.time[0]!) : 0;
  }
  remove(): boolean {
    return this.control.remove(this.e);
  }
  activate(): boolean {
    if (!this.e.live) return false;
    this.e.flags &= ~ExpectFlag.INACTIVE;
    return true;
  }
  refresh(seconds: number): boolean {
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) return false;
    return this.control.refresh(this.e, seconds);
  }
  /** @internal The registry's object (for the engine's own checks). */
  get expectation(): Expectation {
    return this.e;
  }
}
