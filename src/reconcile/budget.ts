// The spend guard (I6): an estimate is reserved before a submit and settled from the API's cost.
// Once reserving would pass --max-cost, submitting stops; work already in flight finishes.
import { roundUsd } from '../pricing/prices.js';

export class Budget {
  private reserved = 0;
  private settled = 0;
  exhausted = false;

  constructor(readonly maxCostUsd: number | undefined) {}

  get spentUsd(): number {
    return roundUsd(this.settled);
  }

  /** True when `estimate` fits; the amount is then reserved. */
  tryReserve(estimate: number): boolean {
    if (this.maxCostUsd !== undefined && this.reserved + this.settled + estimate > this.maxCostUsd + 1e-9) {
      this.exhausted = true;
      return false;
    }
    this.reserved += estimate;
    return true;
  }

  settle(reservedUsd: number, actualUsd: number): void {
    this.reserved = Math.max(0, this.reserved - reservedUsd);
    this.settled += actualUsd;
  }
}
