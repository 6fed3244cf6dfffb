/**
 * Teacher–student regression: a teacher network of any family (docs/file-formats.md §model-configs),
 * initialised from the data key, labels random inputs; the student (the run's model) regresses its outputs with
 * mse. Inputs are N(0, inputStd²) (uniform tokens for a transformer teacher); targets are
 * teacher(x) + N(0, noise²).
 */
import { Tensor } from "../core/tensor.ts";
import { type Key, normalArray, split } from "../core/random.ts";
import { noGrad } from "../core/tape.ts";
import { modelOf, randomInputs, type ModelConfig } from "../nn/registry.ts";
import { trainTestSplit } from "./split.ts";
import type { TaskData } from "./types.ts";

export function teacherStudent(
  cfg: { teacher: ModelConfig; n: number; noise: number; inputStd: number; trainFraction: number },
  k: Key,
): TaskData {
  const [kInit, kx, kNoise, ks] = split(k, 4);
  const teacher = modelOf(cfg.teacher);
  const params = teacher.init(kInit);
  const x = randomInputs(cfg.teacher, kx, cfg.n, cfg.inputStd);
  const out = noGrad(() => teacher.apply(params, x));
  const z = normalArray(kNoise, out.size);
  const y = new Tensor(
    out.data.map((v, i) => v + cfg.noise * z[i]),
    out.shape,
  );
  return {
    name: "teacher-student",
    ...trainTestSplit(x, y, ks, cfg.trainFraction, "data (teacher-student)"),
    loss: "mse",
  };
}
