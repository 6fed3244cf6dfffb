/**
 * identity(x): the same value as a new graph node. Nested differentiation uses it to give an
 * inner `grad` its own variable, distinct from the outer one it depends on. VJP: g.
 */
import { Tensor, type OpDef } from "../tensor.ts";
import { record } from "../tape.ts";

const identityOp: OpDef = { name: "identity", vjp: (_F, g) => [g] };

export function identity(x: Tensor): Tensor {
  return record(new Tensor(x.data, x.shape), identityOp, [x]);
}
