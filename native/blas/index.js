"use strict";
/**
 * shocklens-blas: the native OpenBLAS GEMM when its install step could build it, otherwise an
 * object that says why not (`available: false`, `reason`). Never throws on require.
 */
const { join } = require("node:path");
const { existsSync } = require("node:fs");

const file = join(__dirname, "build", "shocklens_blas.node");
let binding = null;
let reason = "";
if (!existsSync(file)) {
  reason = "not built (OpenBLAS or a C compiler was missing at install; see `npm rebuild shocklens-blas`)";
} else {
  try {
    binding = require(file);
  } catch (e) {
    reason = `failed to load ${file}: ${e && e.message}`;
  }
}

module.exports = binding
  ? {
      available: true,
      reason: "",
      path: file,
      dgemm: binding.dgemm,
      setThreads: binding.setThreads,
      getThreads: binding.getThreads,
      config: binding.config,
      corename: binding.corename,
      biasAct: binding.biasAct,
      reluMask: binding.reluMask,
      tanhMask: binding.tanhMask,
      colSums: binding.colSums,
      addTo: binding.addTo,
      sgd: binding.sgd,
      addLayerNorm: binding.addLayerNorm,
      layerNormBackwardAdd: binding.layerNormBackwardAdd,
      reluBackwardColSums: binding.reluBackwardColSums,
      adam: binding.adam,
      permuteHeads: binding.permuteHeads,
      dotBatched: binding.dotBatched,
      rowsBatched: binding.rowsBatched,
      softmaxRows: binding.softmaxRows,
      logSoftmaxRows: binding.logSoftmaxRows,
      logSoftmaxBackward: binding.logSoftmaxBackward,
      xentSeed: binding.xentSeed,
      expInto: binding.expInto,
      logInto: binding.logInto,
      embedLayerNorm: binding.embedLayerNorm,
      scatterAddRows: binding.scatterAddRows,
      dotHeads: binding.dotHeads,
      rowsHeads: binding.rowsHeads,
      copyRows: binding.copyRows,
      skipZerosTN: binding.skipZerosTN,
      skipZerosProbe: binding.skipZerosProbe,
    }
  : { available: false, reason, path: file };
