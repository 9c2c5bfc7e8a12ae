import { encodeExpectDelete, encodeExpectNew, type KernelExpectationRequest } from "../ctnetlink/expect.js";
import type { CtTuple } from "../ctnetlink/tuple.js";
import type { RequestChannel } from "../transport/requests.js";

/** Creates and deletes expectations in the kernel over ctnetlink; answers are errnos, never exceptions. */
export class KernelExpectations {
  constructor(
    private readonly channel: RequestChannel,
    private readonly timeoutMs: number,
  ) {}

  /** IPCTNL_MSG_EXP_NEW; resolves to 0 or the kernel's errno (ETIMEDOUT when it did not answer in time). */
  async create(r: KernelExpectationRequest): Promise<number> {
    const seq = this.channel.nextSeq();
    return (await this.channel.request(encodeExpectNew(r, seq), seq, this.timeoutMs)).errno;
  }

  /** IPCTNL_MSG_EXP_DELETE by tuple; ENOENT means the kernel no longer had it. */
  async remove(tuple: CtTuple, zone: number): Promise<number> {
    const seq = this.channel.nextSeq();
    return (await this.channel.request(encodeExpectDelete(tuple, zone, seq), seq, this.timeoutMs)).errno;
  }
}

