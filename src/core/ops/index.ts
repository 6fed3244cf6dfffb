/**
 * Every op of the tensor core: the primitives (one file each, forward + VJP + shape rule) and the
 * composites built from them. VJP rules receive this namespace, so derivatives of derivatives use
 * the same ops.
 */
export { add } from "./add.ts";
export { sub } from "./sub.ts";
export { mul } from "./mul.ts";
export { div } from "./div.ts";
export { pow } from "./pow.ts";
export { neg } from "./neg.ts";
export { exp } from "./exp.ts";
export { log } from "./log.ts";
export { sqrt } from "./sqrt.ts";
export { abs } from "./abs.ts";
export { tanh } from "./tanh.ts";
export { erf } from "./erf.ts";
export { gt, ge, lt, le, eq, ne, sign, stopGradient, isNonFinite } from "./compare.ts";
export { where } from "./where.ts";
export { sum } from "./sum.ts";
export { max } from "./max.ts";
export { reshape } from "./reshape.ts";
export { permute } from "./permute.ts";
export { broadcastTo } from "./broadcastTo.ts";
export { slice } from "./slice.ts";
export { pad } from "./pad.ts";
export { concat } from "./concat.ts";
export { gather, toIndices, type Indices } from "./gather.ts";
export { scatterAdd } from "./scatterAdd.ts";
export { identity } from "./identity.ts";
export { matmul, type MatmulOptions } from "./matmul.ts";
export { im2col } from "./im2col.ts";
export { col2im } from "./col2im.ts";
export { sumTo, mean, variance, logsumexp } from "../composite/reduce.ts";
export {
  leakyRelu,
  gelu,
  sigmoid,
  square,
  activation,
  ACTIVATIONS,
  type Activation,
} from "../composite/activations.ts";
export { relu } from "./relu.ts";
export { softmax, logSoftmax } from "./softmax.ts";
export { layerNorm } from "./layerNorm.ts";
export { conv2d, maxPool2d } from "../composite/conv.ts";
export { linear, transpose, flatten } from "../composite/linear.ts";
